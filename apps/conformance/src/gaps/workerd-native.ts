import type { KnownGap, KnownGaps } from "../suite/index.js";
import { serverGapsOnWorkerd } from "./server-on-workerd.js";

/**
 * The reference run: the suite against workerd's own `cloudflare:sockets`
 * (workerd 1.20261117), with nothing of ours in between. Each entry is a
 * behaviour we specify that workerd itself does not have, with what workerd
 * does instead, as observed on loopback
 * (https://developers.cloudflare.com/workers/runtime-apis/tcp-sockets/).
 * @sockets/workers aligns what it can without touching the streams;
 * gaps/workerd.ts lists what remains, and documents the format of an entry.
 * Every entry here is a platform limit: nothing of ours runs.
 */
const platform = (fails: KnownGap["fails"], reason: string): KnownGap => ({
  category: "platform limit",
  fails,
  reason,
});
const PLAIN_TYPE_ERRORS =
  "workerd throws plain TypeErrors: no SocketError name, no 'SocketError: ' prefix, no code";
const PLAIN_TYPE_ERROR_FAILURE = { message: 'error name: expected "SocketError", got "TypeError"' };
const GENERIC_CONNECT_ERROR =
  "workerd rejects a refused connection, a blocked destination and an untrusted or mismatched certificate alike with Error('proxy request failed, cannot connect to the specified address'): no TypeError, no code; only workerd's log names the reason";
const PROXY_FAILED = { message: "proxy request failed" };
const NO_LOCAL_ADDRESS = "workerd's SocketInfo has no localAddress for outbound sockets";
const PENDING_CONNECT_CLOSE =
  "close() waits for the connection attempt to settle (https://github.com/cloudflare/workerd/issues/2060): a plain connect still resolves opened after close(), and during a TLS handshake that never finishes opened and close() stay pending";

export const workerdNativeGaps: KnownGaps = {
  "connect: opened reports the IP it connected to as remoteAddress, also for localhost": platform(
    { message: "^AssertionError: remoteAddress localhost:\\d+$" },
    "SocketInfo.remoteAddress is the address as given ('localhost:PORT'), never the IP it resolved to",
  ),
  "connect: opened reports our own local address as host:port, on IPv4 and IPv6": platform(
    { message: "^AssertionError: localAddress undefined$" },
    NO_LOCAL_ADDRESS,
  ),
  "connect: connects to IPv6 loopback as [::1]:port and as a bare hostname": platform(
    PROXY_FAILED,
    "connect({ hostname: \"::1\", port }) fails with 'proxy request failed' (workerd joins hostname and port without brackets)",
  ),
  "connect: rejects each malformed address synchronously with ERR_INVALID_ADDRESS": platform(
    PLAIN_TYPE_ERROR_FAILURE,
    PLAIN_TYPE_ERRORS,
  ),
  "connect: rejects each invalid option synchronously with ERR_INVALID_OPTION": platform(
    PLAIN_TYPE_ERROR_FAILURE,
    `${PLAIN_TYPE_ERRORS}; options it does not have (sni, alpn, tls, signal, connectTimeout) are ignored, not refused`,
  ),
  "connect: names the problem in the error message": platform(
    PLAIN_TYPE_ERROR_FAILURE,
    PLAIN_TYPE_ERRORS,
  ),
  "streams: echoes bytes; opened reports the remote host:port and no ALPN": platform(
    { message: "^AssertionError: alpn: expected null, got undefined$" },
    "SocketInfo has no alpn field (undefined, not null)",
  ),
  "streams: writable rejects values that are not bytes or strings with a TypeError": platform(
    { message: 'code: expected "ERR_INVALID_CHUNK", got undefined' },
    "the TypeError has no code ERR_INVALID_CHUNK",
  ),
  "streams: close() settles while writes are queued for a peer that never reads": platform(
    { timeout: "close() with writes queued for a stalled peer" },
    "close() first flushes the writes queued for a peer that never reads (backpressure itself works once highWaterMark is set)",
  ),
  "streams: a write queued behind one the peer never takes rejects once close() is called":
    platform(
      { timeout: "close() with writes queued for a stalled peer" },
      "close() first flushes the writes queued for a peer that never reads (backpressure itself works once highWaterMark is set)",
    ),
  "half-open: a socket nobody reads: the peer's FIN resolves closed (allowHalfOpen false)":
    platform(
      { timeout: "closed with no read" },
      "the peer's FIN on a connection nobody reads is noticed only when it is read: closed still pending 10 s after the FIN",
    ),
  "half-open: allowHalfOpen true: closed waits for our side, and resolves once writer.close() ends it":
    platform(
      { timeout: "closed once both sides are done" },
      "closed stays pending after the peer's FIN and our writer.close() until close() is called (https://github.com/cloudflare/workerd/issues/5653)",
    ),
  "close: close() returns the closed promise itself, and is idempotent": platform(
    { message: "close\\(\\) === closed" },
    "close() returns a promise other than closed",
  ),
  "close: after close() writes reject and reads are done": platform(
    { message: "^TypeError: This socket has been closed\\.$" },
    "close() errors a pending read with TypeError('This socket has been closed.') instead of ending it",
  ),
  "close: close() while connecting rejects opened with ERR_SOCKET_CLOSED and resolves closed":
    platform(
      { message: "opened: expected a rejection with ERR_SOCKET_CLOSED, but it resolved" },
      PENDING_CONNECT_CLOSE,
    ),
  "close: close() cancels a TLS handshake that would never finish": platform(
    { timeout: "opened" },
    PENDING_CONNECT_CLOSE,
  ),
  "close: closed first read after the socket failed: the failure, one promise, never unhandled":
    platform(
      { message: "closed rejects with the very error of opened" },
      "a failed connection rejects closed with an Error of its own ('proxy request failed', the same message as opened's, but another object)",
    ),
  "errors: a refused connection rejects opened and closed with one SocketError naming the address":
    platform(PROXY_FAILED, GENERIC_CONNECT_ERROR),
  "errors: a refused connection's error has code ECONNREFUSED": platform(
    PROXY_FAILED,
    GENERIC_CONNECT_ERROR,
  ),
  "errors: a reset by the peer errors reads and rejects closed with ECONNRESET": platform(
    { message: 'read error code: expected "ECONNRESET", got undefined' },
    "a reset errors reads with Error('Network connection lost.') without a code, and closed resolves instead of rejecting",
  ),
  "errors: connectTimeout fails a connection that never opens with ETIMEDOUT": platform(
    { timeout: "opened" },
    "no connect timeout: the option is ignored",
  ),
  "errors: an AbortSignal aborts connecting and a live socket": platform(
    { timeout: "opened" },
    "no signal: the option is ignored",
  ),
  "tls: secureTransport on: opened resolves after a verified handshake, and data echoes through the TLS server":
    platform(
      { message: "no ALPN offered, none chosen: expected null, got undefined" },
      "SocketInfo has no alpn field (undefined, not null)",
    ),
  "tls: alpn offers protocols and opened reports the server's choice": platform(
    { message: 'SocketInfo.alpn: expected "x-sockets-test", got undefined' },
    "no ALPN: the option is ignored and SocketInfo has no alpn",
  ),
  "tls: sni sets the server name sent and verified": platform(
    { message: "the server saw SNI localhost" },
    "no sni option: it is ignored, and an IP hostname sends no SNI",
  ),
  "tls: tls.cert and tls.key present a client certificate (mTLS)": platform(
    { message: "the server saw our certificate" },
    "no client certificates: the option is ignored",
  ),
  "tls: an untrusted certificate fails opened and closed with ERR_TLS_CERT": platform(
    PROXY_FAILED,
    GENERIC_CONNECT_ERROR,
  ),
  "tls: a certificate for another name fails with ERR_TLS_CERT": platform(
    PROXY_FAILED,
    GENERIC_CONNECT_ERROR,
  ),
  "startTls: is refused on a plain socket, on a TLS socket, twice, and after close()": platform(
    PLAIN_TYPE_ERROR_FAILURE,
    PLAIN_TYPE_ERRORS,
  ),
  "startTls: upgrades the connection: new TLS socket, old streams detached, old closed resolved":
    platform(
      { message: "old socket upgraded: expected true, got false" },
      "upgraded stays false until the upgrade completes, and with the old reader or writer still locked the upgrade does not happen (the new socket's opened stays pending)",
    ),
  "startTls: writes queued before startTls() are flushed before the handshake": platform(
    { timeout: "TLS opened" },
    "with the old writer still locked the upgrade does not happen (the new socket's opened stays pending)",
  ),
  "startTls: the upgraded connection verifies the certificate against sni": platform(
    {
      message:
        "opened after a mismatched upgrade: expected a rejection with ERR_TLS_CERT, but it resolved",
    },
    "no sni option: the certificate is verified against the connect hostname, so the mismatch the case asks for never happens",
  ),
  "close: close() after a failure resolves, and closed keeps the failure": platform(
    PROXY_FAILED,
    "close() on a socket whose connection failed rejects with the connection error ('proxy request failed, cannot connect to the specified address') instead of resolving",
  ),
  ...serverGapsOnWorkerd,
  // Fault and hostile-input cases (issue 9).
  "faults: a write made after startTls() in the same tick, a microtask or a macrotask later rejects and never goes out in cleartext":
    platform(
      { message: "expected a rejection with ERR_SOCKET_CLOSED, but it resolved" },
      "workerd accepts writes to the old writable after startTls() returned",
    ),
  "faults: writes still queued when startTls() runs are flushed before the handshake; a write after it is rejected and never sent":
    platform(
      { message: "expected a rejection with ERR_SOCKET_CLOSED, but it resolved" },
      "workerd accepts writes to the old writable after startTls() returned",
    ),
  "faults: a reset mid-download errors reads and closed with ECONNRESET and releases the connection":
    platform(
      { message: "Network connection lost" },
      "a reset errors reads with Error('Network connection lost.') without a code",
    ),
  "faults: a reset on an idle connection errors a waiting read, a later read and closed with ECONNRESET":
    platform(
      { message: "Network connection lost" },
      "a reset errors the waiting read with Error('Network connection lost.') without a code",
    ),
  "faults: a reset on an idle TLS connection errors a waiting read and closed with ECONNRESET":
    platform(
      { message: "Network connection lost" },
      "a reset errors the waiting read with Error('Network connection lost.') without a code",
    ),
  "faults: a reset on an idle connection nobody reads rejects closed with ECONNRESET": platform(
    { timeout: "closed with no read" },
    "a reset on a connection nobody reads is noticed only when it is read: closed still pending 10 s after the RST",
  ),
  "faults: a reset mid-upload rejects the write, reads and closed with the same ECONNRESET":
    platform(
      { message: "Network connection lost" },
      "a reset rejects the write with Error('Network connection lost.') without a code",
    ),
  "faults: a FIN or a reset during the TLS handshake fails opened and closed with ECONNRESET":
    platform(PROXY_FAILED, GENERIC_CONNECT_ERROR),
  "faults: a server that never answers the handshake: connectTimeout fails it with ETIMEDOUT and releases the connection":
    platform({ message: "SuiteTimeout" }, "no connect timeout: the option is ignored"),
  "faults: a server that never answers the handshake: close() and abort settle at once and release the connection":
    platform({ message: "SuiteTimeout|not released within 10 s" }, PENDING_CONNECT_CLOSE),
  "faults: close() and abort during a STARTTLS handshake settle and release the connection":
    platform({ message: "SuiteTimeout|not released within 10 s" }, PENDING_CONNECT_CLOSE),
  "faults: a name that does not resolve fails with ENOTFOUND": platform(
    PROXY_FAILED,
    `${GENERIC_CONNECT_ERROR}, a failed lookup included`,
  ),
  "hostile input: options are read from own properties only: a polluted Object.prototype cannot pick the name verified or add trust":
    platform(PROXY_FAILED, GENERIC_CONNECT_ERROR),
  "hostile input: options and addresses that throw when read are rejected synchronously with a SocketError":
    platform({ message: "boom" }, "workerd lets the options' own error through"),
  "hostile input: chunks that are not really bytes, or whose memory is detached, reject with ERR_INVALID_CHUNK":
    platform(
      { message: "expected a rejection with ERR_INVALID_CHUNK, but it resolved" },
      "workerd accepts a detached ArrayBuffer",
    ),
  "hostile input: a chunk whose buffer is transferred while it waits for the connection is rejected, never reported sent":
    platform(
      { message: "expected a rejection with ERR_INVALID_CHUNK, but it resolved" },
      "workerd fulfils a write whose buffer was transferred",
    ),
  "hostile input: an IP literal in sni is what gets verified": platform(
    { message: "expected a rejection with ERR_TLS_CERT, but it resolved" },
    "no sni option: it is ignored and the connect hostname is verified",
  ),
  "hostile input: NODE_TLS_REJECT_UNAUTHORIZED=0 does not turn verification off": platform(
    PROXY_FAILED,
    `verification holds (the connection fails), but ${GENERIC_CONNECT_ERROR}`,
  ),
  "fuzz: connect() with arbitrary addresses and options returns a Socket or throws a SocketError synchronously, and every promise settles":
    platform({ message: "Property failed" }, PLAIN_TYPE_ERRORS),
  "fuzz: the writable accepts bytes and strings and rejects anything else with a SocketError":
    platform(
      { message: "Property failed" },
      "workerd's writable rejects a value that is not bytes with a TypeError without a code, or accepts it",
    ),
  "startTls: expectedServerHostname is the name the upgraded connection verifies": platform(
    { message: "internal error; reference = " },
    "a certificate that does not match expectedServerHostname fails the upgrade with a generic Error('internal error; reference = …'): no TypeError, no code",
  ),
  "faults: a write made on the TLS socket while its handshake runs reaches only a verified server: refused, it rejects with opened's error and nothing is sent":
    platform(
      { message: "internal error; reference = " },
      "nothing reaches the server (checked before the error), but a certificate for another name fails the upgrade with a generic Error('internal error; reference = …'): no TypeError, no code",
    ),
  "startTls: an invalid expectedServerHostname throws ERR_INVALID_OPTION and leaves the socket to upgrade":
    platform(
      { message: "expected a synchronous SocketError ERR_INVALID_OPTION, but nothing was thrown" },
      "startTls() does not validate expectedServerHostname",
    ),
};
