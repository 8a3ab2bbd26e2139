import type { KnownGaps } from "../suite/index.js";

/**
 * Conformance cases @sockets/deno cannot pass, each with Deno's reason. Empty:
 * every case passes on Deno 2.9.6.
 */
export const denoGaps: KnownGaps = {};
