/** The webpack plugin: `import sockets from "@sockets/unplugin/webpack"`, then `sockets()` in the plugin list. */
import { sockets } from "./index.js";

export type { SocketsPluginOptions } from "./target.js";
export default sockets.webpack;
