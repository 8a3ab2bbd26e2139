/** The webpack plugin: `import sockets from "@sockets/unplugin/webpack"`, then `sockets()` in the plugin list. */
import type { WebpackPluginInstance } from "unplugin";
import { sockets } from "./index.js";
import type { SocketsPluginOptions } from "./target.js";

export type { SocketsPluginOptions } from "./target.js";

const plugin: (options?: SocketsPluginOptions) => WebpackPluginInstance = sockets.webpack;
export default plugin;
