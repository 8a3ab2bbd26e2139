/** The rollup plugin: `import sockets from "@sockets/unplugin/rollup"`, then `sockets()` in the plugin list. */
import { sockets } from "./index.js";

export type { SocketsPluginOptions } from "./target.js";
export default sockets.rollup;
