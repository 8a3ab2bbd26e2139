import type { KnownGaps } from "../suite/index.js";

/** Conformance cases @sockets/node cannot pass on Node.js. Empty: Node passes the whole suite. */
export const nodeGaps: KnownGaps = {};
