/** The rspack plugin: `import sockets from "@sockets/unplugin/rspack"`, then `sockets()` in the plugin list. */
import type { RspackPluginInstance } from "unplugin";
import { sockets } from "./index.js";
import type { SocketsPluginOptions } from "./target.js";

export type { SocketsPluginOptions } from "./target.js";

const plugin: (options?: SocketsPluginOptions) => RspackPluginInstance = sockets.rspack;
export default plugin;
