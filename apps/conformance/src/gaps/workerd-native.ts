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
  // Fault and hostile-input cases (issue 9). Each reason ends with the failure expected.
  "faults: a write made after startTls() in the same tick, a microtask or a macrotask later rejects and never goes out in cleartext":
    "workerd accepts writes to the old writable after startTls() returned; expected failure: 'a write in the same tick as startTls(): expected a rejection with ERR_SOCKET_CLOSED, but it resolved'",
  "faults: writes still queued when startTls() runs are flushed before the handshake; a write after it is rejected and never sent":
    "workerd accepts writes to the old writable after startTls() returned; expected failure: 'the late write: expected a rejection with ERR_SOCKET_CLOSED, but it resolved'",
  "faults: a reset mid-download errors reads and closed with ECONNRESET and releases the connection":
    "a reset errors reads with Error('Network connection lost.') without a code; expected failure: 'the read: expected a TypeError, got Error: Network connection lost.'",
  "faults: a reset mid-upload rejects the write, reads and closed with the same ECONNRESET":
    "a reset rejects the write with Error('Network connection lost.') without a code; expected failure: 'the write: expected a TypeError, got Error: Network connection lost.'",
  "faults: a FIN or a reset during the TLS handshake fails opened and closed with ECONNRESET": `${GENERIC_CONNECT_ERROR}; expected failure: 'opened: expected a TypeError, got Error: proxy request failed, ...'`,
  "faults: a server that never answers the handshake: connectTimeout fails it with ETIMEDOUT and releases the connection":
    "no connect timeout: the option is ignored; expected failure: 'timed out after 20000 ms waiting for opened'",
  "faults: a server that never answers the handshake: close() and abort settle at once and release the connection": `${PENDING_CONNECT_CLOSE}; expected failure: close() or opened does not settle within 10 s`,
  "faults: close() and abort during a STARTTLS handshake settle and release the connection": `${PENDING_CONNECT_CLOSE}; expected failure: 'timed out after 10000 ms waiting for close()'`,
  "faults: a name that does not resolve fails with ENOTFOUND": `${GENERIC_CONNECT_ERROR}, a failed lookup included; expected failure: 'opened: expected a TypeError, got Error: proxy request failed, ...'`,
  "hostile input: options are read from own properties only: a polluted Object.prototype cannot pick the name verified or add trust": `${GENERIC_CONNECT_ERROR}; expected failure: 'inherited sni: expected a TypeError, got Error: proxy request failed, ...'`,
  "hostile input: options and addresses that throw when read are rejected synchronously with a SocketError":
    "workerd lets the options' own error through; expected failure: 'getter: expected a TypeError, got Error: boom'",
  "hostile input: chunks that are not really bytes, or whose memory is detached, reject with ERR_INVALID_CHUNK":
    "workerd accepts a detached ArrayBuffer; expected failure: 'a detached ArrayBuffer: expected a rejection with ERR_INVALID_CHUNK, but it resolved'",
  "hostile input: a chunk whose buffer is transferred while it waits for the connection is rejected, never reported sent":
    "workerd fulfils a write whose buffer was transferred; expected failure: 'expected a rejection with ERR_INVALID_CHUNK, but it resolved'",
  "hostile input: an IP literal in sni is what gets verified":
    "no sni option: it is ignored and the connect hostname is verified; expected failure: 'sni 10.1.2.3: expected a rejection with ERR_TLS_CERT, but it resolved'",
  "hostile input: NODE_TLS_REJECT_UNAUTHORIZED=0 does not turn verification off": `verification holds (the connection fails), but ${GENERIC_CONNECT_ERROR}; expected failure: 'untrusted: expected a TypeError, got Error: proxy request failed, ...'`,
  "fuzz: connect() with arbitrary addresses and options returns a Socket or throws a SocketError synchronously, and every promise settles": `${PLAIN_TYPE_ERRORS}; expected failure: 'Property failed after 1 tests'`,
  "fuzz: the writable accepts bytes and strings and rejects anything else with a SocketError":
    "workerd's writable rejects a value that is not bytes with a TypeError without a code, or accepts it; expected failure: 'Property failed' on a plain object chunk",
};
