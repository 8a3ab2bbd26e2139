import { createConnect, createServe } from "@sockets/core/backend";
import { connectNode } from "./connector.js";
import { listenNode } from "./server.js";

// The public types and errors are core's: every backend exports the same names.
export * from "@sockets/core";

/** `connect()` from the WinterTC Sockets API, on node:net and node:tls. */
export const connect = createConnect({ kind: "push", connect: connectNode });

/** `serve({ connect(socket) {...} })`: one connection handler, on a node:net or node:tls server. */
export const serve = createServe({ kind: "push", listen: listenNode });
