import type { KnownGaps } from "../suite/index.js";

/**
 * Cases @sockets/connect (its "workerd" entry, @sockets/workers) cannot pass
 * in workerd 1.20261117, each with the platform's reason. @sockets/workers
 * hands out workerd's own `readable` and `writable` (no per-chunk cost), so
 * what those streams do is workerd's; it aligns the promises, errors, options
 * and startTls() around them. gaps/workerd-native.ts lists what workerd does
 * without it.
 */
const NO_LOCAL_ADDRESS =
  "workerd does not report the local address of an outbound socket: SocketInfo.localAddress is ''";
const GENERIC_CONNECT_ERROR =
  "workerd reports a refused connection, a blocked destination and an untrusted or mismatched certificate with one generic error, so all three are ERR_CONNECTION_FAILED (cause: workerd's 'proxy request failed'); only workerd's log names the reason";
const LOCKED_STARTTLS =
  "workerd's startTls() moves the old streams into the TLS connection and does not complete while a reader or writer holds them (the new socket's opened stays pending), so startTls() refuses with ERR_INVALID_STATE until they are released";

export const workerdGaps: KnownGaps = {
  "connect: accepts host:port, { hostname, port } and localhost":
    "workerd reports remoteAddress as the address given ('localhost:PORT'), never the IP it resolved to",
  "connect: connects to IPv6 loopback as [::1]:port and as a bare hostname": NO_LOCAL_ADDRESS,
  "streams: echoes bytes; opened reports remote and local host:port and no ALPN": NO_LOCAL_ADDRESS,
  "streams: writable rejects values that are not bytes or strings with a TypeError":
    "writable is workerd's own stream (nothing of ours per chunk): it rejects with workerd's TypeError, which has no code ERR_INVALID_CHUNK",
  "streams: writer.ready waits while the peer does not read (backpressure)":
    "backpressure works, but workerd's close() first flushes the writes queued for a peer that never reads and did not settle within the case's 90 s; a locked writable cannot be aborted from outside",
  "half-open: allowHalfOpen false (default): the peer's FIN ends reads, closes our side, resolves closed": `${NO_LOCAL_ADDRESS}, and the case needs it to ask the server what reached it after its FIN`,
  "half-open: allowHalfOpen true: after the peer's FIN reads end but writes still reach the peer":
    "workerd keeps closed pending after the peer's FIN and our writer.close() until close() (cloudflare/workerd#5653); seeing both ends from outside workerd's streams would cost a wrapper per chunk",
  "close: after close() writes reject and reads are done":
    "workerd's close() errors a pending read on its readable with TypeError('This socket has been closed.') instead of ending it",
  "errors: a refused connection rejects opened and closed with the same ECONNREFUSED SocketError":
    GENERIC_CONNECT_ERROR,
  "errors: a reset by the peer errors reads and rejects closed with ECONNRESET":
    "workerd's readable errors with Error('Network connection lost.') without a code, and workerd resolves closed after a reset",
  "tls: alpn offers protocols and opened reports the server's choice":
    "cloudflare:sockets has no ALPN: the option is refused with ERR_UNSUPPORTED_OPTION",
  "tls: sni sets the server name sent and verified":
    "cloudflare:sockets cannot send or verify another server name: sni is refused with ERR_UNSUPPORTED_OPTION",
  "tls: tls.cert and tls.key present a client certificate (mTLS)":
    "cloudflare:sockets cannot present a client certificate: tls.cert/tls.key are refused with ERR_UNSUPPORTED_OPTION",
  "tls: an untrusted certificate fails opened and closed with ERR_TLS_CERT": GENERIC_CONNECT_ERROR,
  "tls: a certificate for another name fails with ERR_TLS_CERT": GENERIC_CONNECT_ERROR,
  "startTls: upgrades the connection: new TLS socket, old streams detached, old closed resolved":
    LOCKED_STARTTLS,
  "startTls: writes queued before startTls() are flushed before the handshake": LOCKED_STARTTLS,
  "startTls: the upgraded connection verifies the certificate against sni":
    "cloudflare:sockets cannot verify another server name: sni is refused with ERR_UNSUPPORTED_OPTION",
  // Fault and hostile-input cases (issue 9). Each reason ends with the failure expected.
  "faults: a write made after startTls() in the same tick, a microtask or a macrotask later rejects and never goes out in cleartext": `${LOCKED_STARTTLS}; expected failure: startTls() throws ERR_INVALID_STATE while the case holds the old writer`,
  "faults: writes still queued when startTls() runs are flushed before the handshake; a write after it is rejected and never sent": `${LOCKED_STARTTLS}; expected failure: startTls() throws ERR_INVALID_STATE while the case holds the old writer`,
  "faults: close() and abort during a STARTTLS handshake settle and release the connection":
    "close() and the signal cannot cancel workerd's pending TLS upgrade (cloudflare/workerd#2060): expected failure: close() or opened does not settle within 10 s, or 'not released within 10 s: the starttls server still holds <n> connections'",
  "faults: a reset mid-download errors reads and closed with ECONNRESET and releases the connection":
    "workerd's readable errors with Error('Network connection lost.'), not a SocketError; expected failure: 'the read: expected a TypeError, got Error: Network connection lost.'",
  "faults: a reset mid-upload rejects the write, reads and closed with the same ECONNRESET":
    "workerd's writable rejects with Error('Network connection lost.'), not a SocketError; expected failure: 'the write: expected a TypeError, got Error: Network connection lost.'",
  "faults: a FIN or a reset during the TLS handshake fails opened and closed with ECONNRESET": `${GENERIC_CONNECT_ERROR}; expected failure: 'expected "ECONNRESET", got "ERR_CONNECTION_FAILED"'`,
  "faults: a server that never answers the handshake: connectTimeout fails it with ETIMEDOUT and releases the connection":
    "workerd keeps a TLS connection whose handshake was abandoned until the server answers or drops it (cloudflare/workerd#2060: close() cannot cancel a pending connection); expected failure: 'not released within 10 s: the silent server still holds 10 connections'",
  "faults: a server that never answers the handshake: close() and abort settle at once and release the connection":
    "workerd keeps a TLS connection whose handshake was abandoned until the server answers or drops it (cloudflare/workerd#2060); expected failure: 'not released within 10 s: the silent server still holds <n> connections'",
  "faults: a name that does not resolve fails with ENOTFOUND": `${GENERIC_CONNECT_ERROR}, a failed lookup included; expected failure: 'expected "ENOTFOUND", got "ERR_CONNECTION_FAILED"'`,
  "hostile input: options are read from own properties only: a polluted Object.prototype cannot pick the name verified or add trust": `${GENERIC_CONNECT_ERROR}; expected failure: 'inherited sni: expected "ERR_TLS_CERT", got "ERR_CONNECTION_FAILED"' (the connection is refused all the same)`,
  "hostile input: chunks that are not really bytes, or whose memory is detached, reject with ERR_INVALID_CHUNK":
    "writable is workerd's own stream (nothing of ours per chunk), and it accepts a detached ArrayBuffer; expected failure: 'a detached ArrayBuffer: expected a rejection with ERR_INVALID_CHUNK, but it resolved'",
  "hostile input: a chunk whose buffer is transferred while it waits for the connection is rejected, never reported sent":
    "writable is workerd's own stream, and it fulfils a write whose buffer was transferred; expected failure: 'expected a rejection with ERR_INVALID_CHUNK, but it resolved'",
  "hostile input: an IP literal in sni is what gets verified":
    "cloudflare:sockets cannot send or verify another server name; expected failure: connect() throws ERR_UNSUPPORTED_OPTION for sni",
  "hostile input: NODE_TLS_REJECT_UNAUTHORIZED=0 does not turn verification off": `verification holds (the connection fails), but ${GENERIC_CONNECT_ERROR}; expected failure: 'untrusted: expected "ERR_TLS_CERT", got "ERR_CONNECTION_FAILED"'`,
  "fuzz: the writable accepts bytes and strings and rejects anything else with a SocketError":
    "writable is workerd's own stream: a value that is not bytes is rejected with workerd's TypeError without a code, or accepted; expected failure: 'Property failed' on a plain object chunk",
};
