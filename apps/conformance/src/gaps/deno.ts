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

/**
 * A native TLS handshake cannot be cancelled (Deno 2.9.6, read in Deno's
 * source; issue 9, defect 2):
 * - `Deno.startTls()` (ext/net/02_tls.js `startTlsInternal`) calls
 *   `op_tls_start` (ext/net/ops_tls.rs), which takes the TcpStreamResource
 *   out of the resource table and gives the socket to rustls-tokio-stream's
 *   `TlsStream::new_client_side` (Deno pins rustls-tokio-stream =0.8.0).
 * - rustls-tokio-stream 0.8.0 (src/stream.rs `TlsStream::new`) runs the
 *   handshake as a spawned task holding the socket, which waits on
 *   `tcp.readable()` (src/handshake.rs) with no way to stop it; dropping a
 *   TlsStream still handshaking (`impl Drop for TlsStream`) spawns a task
 *   that awaits that handshake before the socket is dropped.
 * - Closing the TlsConn (`TlsStreamResource::close`) only cancels the ops'
 *   CancelHandles: the pending `handshake()` rejects (`Interrupted`), the
 *   task keeps the socket. Nothing JavaScript can reach touches the socket
 *   after `op_tls_start`: `setNoDelay`/`setKeepAlive` take a TcpConn only
 *   (ext/net/ops.rs), there is no linger or shutdown-read call, and
 *   `closeWrite()` waits for the handshake too. `Deno.connectTls` builds the
 *   same TlsStream.
 * So the fd and the ESTABLISHED connection stay until the server answers or
 * drops it (measured through @sockets/deno: +50 fds after 50 handshakes
 * closed against a silent server). Deno's node:tls releases at once (the same
 * run through node-tls.ts: +0 fds) but costs CPU on every byte: receiving a 64 MiB TLS stream took 1.40 ms CPU per MiB through
 * @sockets/deno's native path and 2.23 through node-tls.ts (1.6×), and
 * 0.98 vs 1.87 ms/MiB for bare Deno.startTls vs node:tls over node:net
 * (process.cpuUsage(), A/B interleaved, median of 7, December 2026). No
 * hybrid is bounded: a handshake cannot move from node:tls to rustls, and any
 * handshake may be cancelled (close() always can). The backend keeps the
 * native path.
 */
const nativeHandshakeNotCancellable: KnownGap = {
  category: "our trade-off",
  fails: { message: "not released within 10 s" },
  reason:
    "a cancelled native Deno TLS handshake keeps its TCP connection until the server answers or drops it: rustls-tokio-stream 0.8.0 (Deno's TLS stream) runs the handshake in a task that owns the socket and cannot be stopped from JavaScript; Deno's node:tls would release it but costs 1.6× the CPU per byte received",
};

export const denoGaps: KnownGaps = {
  "server: a handler that throws resets its connection, is reported, and the server goes on":
    noReset,
  "server: close(true) resets the open connections": noReset,
  "server: an AbortSignal closes the server and its connections": noReset,
  "faults: a server that never answers the handshake: connectTimeout fails it with ETIMEDOUT and releases the connection":
    nativeHandshakeNotCancellable,
  "faults: a server that never answers the handshake: close() and abort settle at once and release the connection":
    nativeHandshakeNotCancellable,
  "faults: close() and abort during a STARTTLS handshake settle and release the connection":
    nativeHandshakeNotCancellable,
};
