/** The esbuild plugin: `import sockets from "@sockets/unplugin/esbuild"`, then `sockets()` in the plugin list. */
import { sockets } from "./index.js";

export type { SocketsPluginOptions } from "./target.js";
export default sockets.esbuild;
