/** The esbuild plugin: `import sockets from "@sockets/unplugin/esbuild"`, then `sockets()` in the plugin list. */
import type { EsbuildPlugin } from "unplugin";
import { sockets } from "./index.js";
import type { SocketsPluginOptions } from "./target.js";

export type { SocketsPluginOptions } from "./target.js";

const plugin: (options?: SocketsPluginOptions) => EsbuildPlugin = sockets.esbuild;
export default plugin;
