import type { KnownGaps } from "../suite/index.js";

/**
 * Conformance cases @sockets/bun cannot pass, each with Bun's measured
 * reason. Empty: every case passes on Bun 1.4.5.
 */
export const bunGaps: KnownGaps = {};
