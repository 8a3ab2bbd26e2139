import { createConnect } from "@sockets/core/backend";
import { connectBun } from "./connector.js";

// The public types and errors are core's: every backend exports the same names.
export * from "@sockets/core";

/** `connect()` from the WinterTC Sockets API, on Bun's own `Bun.connect`. */
export const connect = createConnect({ kind: "push", connect: connectBun });
