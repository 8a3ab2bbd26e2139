import { createConnect, createServe, unsupportedRuntime } from "@sockets/core/backend";
import { isDeno } from "./_deno.js";
import { checkDenoOptions, connectDeno } from "./connector.js";
import { listenDeno } from "./server.js";

// Fail at load, with one message, rather than later as "Deno is not defined".
if (!isDeno()) {
  throw unsupportedRuntime(
    "@sockets/deno runs on Deno only, and this JavaScript host is not Deno (globalThis.Deno is missing).",
  );
}

// The public types and errors are core's: every backend exports the same names.
export * from "@sockets/core";

/** `connect()` from the WinterTC Sockets API, on Deno.connect and Deno.startTls. */
export const connect = createConnect({
  kind: "pull",
  connect: connectDeno,
  checkOptions: checkDenoOptions,
});

/** `serve({ connect(socket) {...} })`: one connection handler, on Deno.listen and Deno.listenTls. */
export const serve = createServe({ kind: "pull", listen: listenDeno });
