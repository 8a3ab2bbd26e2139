import type { KnownGaps } from "../suite/index.js";

/**
 * The reference run: the suite against workerd's own `cloudflare:sockets`
 * (workerd 1.20261117), with nothing of ours in between. Each entry is a
 * behaviour we specify that workerd itself does not have, with what workerd
 * does instead, as observed on loopback (see research/runtimes.md §4 and
 * research/spec.md). @sockets/workers aligns what it can without touching
 * the streams; gaps/workerd.ts lists what remains.
 */
const PLAIN_TYPE_ERRORS =
  "workerd throws plain TypeErrors: no SocketError name, no 'SocketError: ' prefix, no code";
const GENERIC_CONNECT_ERROR =
  "workerd rejects a refused connection, a blocked destination and an untrusted or mismatched certificate alike with Error('proxy request failed, cannot connect to the specified address'): no TypeError, no code; only workerd's log names the reason";
const NO_LOCAL_ADDRESS = "workerd's SocketInfo has no localAddress for outbound sockets";
const PENDING_CONNECT_CLOSE =
  "close() waits for the connection attempt to settle (cloudflare/workerd#2060): a plain connect still resolves opened after close(), and during a TLS handshake that never finishes opened and close() stayed pending past the case's 10 s";

export const workerdNativeGaps: KnownGaps = {
  "connect: accepts host:port, { hostname, port } and localhost":
    "SocketInfo.remoteAddress is the address as given ('localhost:PORT'), never the IP it resolved to",
  "connect: connects to IPv6 loopback as [::1]:port and as a bare hostname": `${NO_LOCAL_ADDRESS}; connect({ hostname: "::1", port }) fails with 'proxy request failed' (workerd joins hostname and port without brackets)`,
  "connect: rejects each malformed address synchronously with ERR_INVALID_ADDRESS":
    PLAIN_TYPE_ERRORS,
  "connect: rejects each invalid option synchronously with ERR_INVALID_OPTION": `${PLAIN_TYPE_ERRORS}; options it does not have (sni, alpn, tls, signal, connectTimeout) are ignored, not refused`,
  "connect: names the problem in the error message": PLAIN_TYPE_ERRORS,
  "streams: echoes bytes; opened reports remote and local host:port and no ALPN": `${NO_LOCAL_ADDRESS}, and no alpn field`,
  "streams: writable rejects values that are not bytes or strings with a TypeError":
    "the TypeError has no code ERR_INVALID_CHUNK",
  "streams: writer.ready waits while the peer does not read (backpressure)":
    "backpressure works with highWaterMark set (without it writer.ready did not wait: 25 MiB accepted by a peer that reads nothing), but close() first flushes the writes queued for a peer that never reads and did not settle within the case's 90 s",
  "half-open: allowHalfOpen false (default): the peer's FIN ends reads, closes our side, resolves closed": `${NO_LOCAL_ADDRESS}, which the case needs to ask the server what reached it after its FIN`,
  "half-open: allowHalfOpen true: after the peer's FIN reads end but writes still reach the peer":
    "closed stays pending after the peer's FIN and our writer.close() until close() is called (cloudflare/workerd#5653)",
  "close: close() returns the closed promise itself, and is idempotent":
    "close() returns a promise other than closed",
  "close: after close() writes reject and reads are done":
    "close() errors a pending read with TypeError('This socket has been closed.') instead of ending it",
  "close: close() while connecting rejects opened at once and resolves closed":
    PENDING_CONNECT_CLOSE,
  "close: close() cancels a TLS handshake that would never finish": PENDING_CONNECT_CLOSE,
  // Fails with: Error: proxy request failed, cannot connect to the specified address
  // (workerd's close() on a refused socket rejects with the connection error).
  "close: close() after a failure resolves, and closed keeps the failure":
    "close() on a socket whose connection failed rejects with the connection error ('proxy request failed, cannot connect to the specified address') instead of resolving",
  "errors: a refused connection rejects opened and closed with the same ECONNREFUSED SocketError":
    GENERIC_CONNECT_ERROR,
  "errors: a reset by the peer errors reads and rejects closed with ECONNRESET":
    "a reset errors reads with Error('Network connection lost.') without a code, and closed resolves instead of rejecting",
  "errors: connectTimeout fails a connection that never opens with ETIMEDOUT":
    "no connect timeout: the option is ignored",
  "errors: an AbortSignal aborts connecting and a live socket": "no signal: the option is ignored",
  "tls: secureTransport on: opened resolves after a verified handshake and data is encrypted end to end":
    "SocketInfo has no alpn field (undefined, not null)",
  "tls: alpn offers protocols and opened reports the server's choice":
    "no ALPN: the option is ignored and SocketInfo has no alpn",
  "tls: sni sets the server name sent and verified":
    "no sni option: it is ignored, and an IP hostname sends no SNI",
  "tls: tls.cert and tls.key present a client certificate (mTLS)":
    "no client certificates: the option is ignored",
  "tls: an untrusted certificate fails opened and closed with ERR_TLS_CERT": GENERIC_CONNECT_ERROR,
  "tls: a certificate for another name fails with ERR_TLS_CERT": GENERIC_CONNECT_ERROR,
  "startTls: is refused on a plain socket, on a TLS socket, twice, and after close()":
    PLAIN_TYPE_ERRORS,
  "startTls: upgrades the connection: new TLS socket, old streams detached, old closed resolved":
    "upgraded stays false until the upgrade completes, and with the old reader or writer still locked the upgrade does not happen (the new socket's opened stayed pending for the case's 10 s)",
  "startTls: writes queued before startTls() are flushed before the handshake":
    "with the old writer still locked the upgrade does not happen (the new socket's opened stayed pending for the case's 10 s)",
  "startTls: the upgraded connection verifies the certificate against sni":
    "no sni option: the certificate is verified against the connect hostname, so the mismatch the case asks for never happens",
};
