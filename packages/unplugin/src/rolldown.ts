/** The rolldown plugin: `import sockets from "@sockets/unplugin/rolldown"`, then `sockets()` in the plugin list. */
import { sockets } from "./index.js";

export type { SocketsPluginOptions } from "./target.js";
export default sockets.rolldown;
