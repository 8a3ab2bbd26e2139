/** The rolldown plugin: `import sockets from "@sockets/unplugin/rolldown"`, then `sockets()` in the plugin list. */
import type { RolldownPlugin } from "unplugin";
import { sockets } from "./index.js";
import type { SocketsPluginOptions } from "./target.js";

export type { SocketsPluginOptions } from "./target.js";

const plugin: (options?: SocketsPluginOptions) => RolldownPlugin<unknown> = sockets.rolldown;
export default plugin;
