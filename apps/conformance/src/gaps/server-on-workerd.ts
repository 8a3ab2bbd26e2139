import { serverCases } from "../suite/cases-server.js";
import type { KnownGaps } from "../suite/index.js";

/**
 * workerd opens no listener from JavaScript: its TCP listeners are `tcp`
 * sockets in the config, each handing connections to a Worker's default
 * `connect(socket, env, ctx)` (cloudflare/workerd#6059). The server cases,
 * which call serve() at run time, cannot run inside it; the same handler is
 * served by workerd from a generated config and driven from outside by the
 * Node client in test/workerd-server.test.ts.
 */
const NO_RUNTIME_LISTENER =
  "workerd cannot listen from JavaScript (serve() refuses with ERR_UNSUPPORTED_RUNTIME): listeners are config sockets; test/workerd-server.test.ts serves the same handler through workerdServeConfig() and drives it from Node";

export const serverGapsOnWorkerd: KnownGaps = Object.fromEntries(
  serverCases.map((c) => [
    c.name,
    {
      category: "platform limit",
      // Through @sockets/connect serve() refuses with its code; workerd's own
      // cloudflare:sockets has no serve() at all, and the case says so.
      fails: { message: "ERR_UNSUPPORTED_RUNTIME|has no serve\\(\\)" },
      reason: NO_RUNTIME_LISTENER,
    },
  ]),
);
