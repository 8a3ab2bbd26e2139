import type { KnownGap, KnownGaps } from "../suite/index.js";

/**
 * Conformance cases @sockets/deno cannot pass, each with Deno's reason.
 */
const NO_RESET =
  "Deno cannot send a TCP reset: Deno.Conn has no SO_LINGER and no reset call (https://docs.deno.com/api/deno/~/Deno.Conn), so a failed handler's connection is closed with a FIN and the client reads a clean end; the server still closes it and goes on";

/** The client reads a clean end where the case expects the reset. */
const noReset: KnownGap = {
  category: "platform limit",
  fails: { message: "expected a rejection with ECONNRESET, but it resolved" },
  reason: NO_RESET,
};

export const denoGaps: KnownGaps = {
  "server: a handler that throws resets its connection, is reported, and the server goes on":
    noReset,
  "server: close(true) resets the open connections": noReset,
  "server: an AbortSignal closes the server and its connections": noReset,
};
