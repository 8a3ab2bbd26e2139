/** The rspack plugin: `import sockets from "@sockets/unplugin/rspack"`, then `sockets()` in the plugin list. */
import { sockets } from "./index.js";

export type { SocketsPluginOptions } from "./target.js";
export default sockets.rspack;
