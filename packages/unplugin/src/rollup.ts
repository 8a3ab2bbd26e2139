/** The rollup plugin: `import sockets from "@sockets/unplugin/rollup"`, then `sockets()` in the plugin list. */
import type { RollupPlugin } from "unplugin";
import { sockets } from "./index.js";
import type { SocketsPluginOptions } from "./target.js";

export type { SocketsPluginOptions } from "./target.js";

const plugin: (options?: SocketsPluginOptions) => RollupPlugin<unknown> = sockets.rollup;
export default plugin;
