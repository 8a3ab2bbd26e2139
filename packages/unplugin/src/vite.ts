/** The vite plugin: `import sockets from "@sockets/unplugin/vite"`, then `sockets()` in the plugin list. */
import type { VitePlugin } from "unplugin";
import { sockets } from "./index.js";
import type { SocketsPluginOptions } from "./target.js";

export type { SocketsPluginOptions } from "./target.js";

const plugin: (options?: SocketsPluginOptions) => VitePlugin<unknown> = sockets.vite;
export default plugin;
