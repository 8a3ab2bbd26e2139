import { createConnect, createServe } from "@sockets/core/backend";
import { connectBun } from "./connector.js";
import { listenBun } from "./server.js";

// The public types and errors are core's: every backend exports the same names.
export * from "@sockets/core";

/** `connect()` from the WinterTC Sockets API, on Bun's own `Bun.connect`. */
export const connect = createConnect({
  kind: "push",
  // Bun's web streams copy an enqueued chunk into a BYOB read faster than a
  // copy and respond() from JavaScript (apps/bench FINDINGS.md, change 12).
  byobFill: "enqueue",
  connect: connectBun,
});

/** `serve({ connect(socket) {...} })`: one connection handler, on `Bun.listen`. */
export const serve = createServe({ kind: "push", byobFill: "enqueue", listen: listenBun });
