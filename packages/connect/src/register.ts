/**
 * `node --import @sockets/connect/register app.js`: from then on,
 * `import "cloudflare:sockets"` (static or dynamic) loads @sockets/connect.
 *
 * Node 22.15+ and 23.5+ have `module.registerHooks()`, which runs the hook in
 * this thread and also covers `require()`; older Node (our floor is 20.19)
 * gets the same hook through `module.register()`, which covers `import`.
 * https://nodejs.org/api/module.html#customization-hooks
 */
import * as nodeModule from "node:module";
import { resolve } from "./hooks.js";

type RegisterHooks = (hooks: { resolve: typeof resolve }) => unknown;

const registerHooks = (nodeModule as { registerHooks?: RegisterHooks }).registerHooks;
if (typeof registerHooks === "function") {
  registerHooks({ resolve });
} else {
  nodeModule.register("./hooks.js", import.meta.url);
}
