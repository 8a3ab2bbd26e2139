import type { KnownGaps } from "../suite/index.js";
import { serverGapsOnWorkerd } from "./server-on-workerd.js";

/**
 * Cases @sockets/connect (its "workerd" entry, @sockets/workers) cannot pass
 * in workerd 1.20261117. @sockets/workers hands out workerd's own `readable`
 * and `writable` (no per-chunk cost), so what those streams do is workerd's;
 * it aligns the promises, errors, options and startTls() around them.
 * gaps/workerd-native.ts lists what workerd does without it.
 *
 * The format of every gap list (src/gaps/<runtime>.ts), one entry per case:
 *
 *   "<case name, exactly>": {
 *     category: "platform limit" | "our trade-off" | "suite limitation",
 *     fails: { code: "ERR_X" } | { message: "regexp" } | { timeout: "<within() label>" },
 *     reason: "what the runtime does instead, and why (link the upstream issue)",
 *   },
 *
 * `fails` is checked: the case must fail exactly that way (the error's code,
 * or the code an assertion on an error found; a pattern the failure
 * "Name [code]: message" matches; or the suite's named bound expiring). A pass
 * or any other failure fails the run, and so does a name that matches no case.
 * Keep under a gap only the assertion the runtime cannot meet: split the case
 * so that everything before it is asserted everywhere.
 */
const WORKERS_TCP_DOCS = "https://developers.cloudflare.com/workers/runtime-apis/tcp-sockets/";
const NO_LOCAL_ADDRESS =
  "workerd does not report the local address of an outbound socket: SocketInfo.localAddress is absent";
const GENERIC_CONNECT_ERROR = `workerd reports a refused connection, a blocked destination and an untrusted or mismatched certificate with one generic error ('proxy request failed'), so all three are ERR_CONNECTION_FAILED; only workerd's log names the reason (${WORKERS_TCP_DOCS})`;
const LOCKED_STARTTLS =
  "workerd's startTls() moves the old streams into the TLS connection and does not complete while a reader or writer holds them (the new socket's opened stays pending), so startTls() refuses with ERR_INVALID_STATE until they are released";
const NO_TLS_OPTIONS = `cloudflare:sockets has no such TLS option (${WORKERS_TCP_DOCS}): it is refused with ERR_UNSUPPORTED_OPTION`;

export const workerdGaps: KnownGaps = {
  "connect: opened reports the IP it connected to as remoteAddress, also for localhost": {
    category: "platform limit",
    fails: { message: "^AssertionError: remoteAddress localhost:\\d+$" },
    reason:
      "workerd reports remoteAddress as the address given ('localhost:PORT'), never the IP it resolved to",
  },
  "connect: opened reports our own local address as host:port, on IPv4 and IPv6": {
    category: "platform limit",
    fails: { message: "^AssertionError: localAddress undefined$" },
    reason: NO_LOCAL_ADDRESS,
  },
  "streams: writable rejects values that are not bytes or strings with a TypeError": {
    category: "our trade-off",
    fails: { message: 'code: expected "ERR_INVALID_CHUNK", got undefined' },
    reason:
      "writable is workerd's own stream (nothing of ours per chunk): it rejects with workerd's TypeError, which has no code ERR_INVALID_CHUNK",
  },
  "streams: close() settles while writes are queued for a peer that never reads": {
    category: "platform limit",
    fails: { timeout: "close() with writes queued for a stalled peer" },
    reason:
      "workerd's close() first flushes the writes queued for a peer that never reads, and a locked writable cannot be aborted from outside",
  },
  "streams: a write queued behind one the peer never takes rejects once close() is called": {
    category: "platform limit",
    fails: { timeout: "close() with writes queued for a stalled peer" },
    reason:
      "workerd's close() first flushes the writes queued for a peer that never reads, and a locked writable cannot be aborted from outside",
  },
  "half-open: a socket nobody reads: the peer's FIN resolves closed (allowHalfOpen false)": {
    category: "platform limit",
    fails: { timeout: "closed with no read" },
    reason:
      "workerd notices the peer's FIN on a connection nobody reads only when it is read (measured in workerd 1.20261117: closed still pending 10 s after the FIN), as with a reset; our closed follows workerd's",
  },
  "half-open: allowHalfOpen true: closed waits for our side, and resolves once writer.close() ends it":
    {
      category: "our trade-off",
      fails: { timeout: "closed once both sides are done" },
      reason:
        "workerd keeps closed pending after the peer's FIN and our writer.close() until close() (https://github.com/cloudflare/workerd/issues/5653); seeing both ends from outside workerd's streams would cost a wrapper per chunk",
    },
  "close: after close() writes reject and reads are done": {
    category: "our trade-off",
    fails: { message: "^TypeError: This socket has been closed\\.$" },
    reason:
      "workerd's close() errors a pending read on its readable with TypeError('This socket has been closed.') instead of ending it; ending it instead would cost a wrapper per chunk",
  },
  "errors: after a refused connection reads end and writes reject": {
    category: "our trade-off",
    fails: { message: "^TypeError: This ReadableStream belongs to an object that is closing\\.$" },
    reason:
      "readable is workerd's own stream: after a failed connection a read errors with workerd's TypeError('This ReadableStream belongs to an object that is closing.') instead of ending; ending it would cost a wrapper per chunk",
  },
  "errors: a refused connection's error has code ECONNREFUSED": {
    category: "platform limit",
    fails: { code: "ERR_CONNECTION_FAILED" },
    reason: GENERIC_CONNECT_ERROR,
  },
  "errors: a reset by the peer errors reads and rejects closed with ECONNRESET": {
    category: "our trade-off",
    fails: { message: 'read error code: expected "ECONNRESET", got undefined' },
    reason:
      "workerd's readable errors with Error('Network connection lost.') without a code, and workerd resolves closed after a reset; mapping it would cost a wrapper per chunk",
  },
  "tls: alpn offers protocols and opened reports the server's choice": {
    category: "platform limit",
    fails: { code: "ERR_UNSUPPORTED_OPTION" },
    reason: NO_TLS_OPTIONS,
  },
  "tls: sni sets the server name sent and verified": {
    category: "platform limit",
    fails: { code: "ERR_UNSUPPORTED_OPTION" },
    reason: NO_TLS_OPTIONS,
  },
  "tls: tls.cert and tls.key present a client certificate (mTLS)": {
    category: "platform limit",
    fails: { code: "ERR_UNSUPPORTED_OPTION" },
    reason: NO_TLS_OPTIONS,
  },
  "tls: an untrusted certificate fails opened and closed with ERR_TLS_CERT": {
    category: "platform limit",
    fails: { code: "ERR_CONNECTION_FAILED" },
    reason: GENERIC_CONNECT_ERROR,
  },
  "tls: a certificate for another name fails with ERR_TLS_CERT": {
    category: "platform limit",
    fails: { code: "ERR_CONNECTION_FAILED" },
    reason: GENERIC_CONNECT_ERROR,
  },
  "startTls: upgrades the connection: new TLS socket, old streams detached, old closed resolved": {
    category: "platform limit",
    fails: { code: "ERR_INVALID_STATE" },
    reason: LOCKED_STARTTLS,
  },
  "startTls: writes queued before startTls() are flushed before the handshake": {
    category: "platform limit",
    fails: { code: "ERR_INVALID_STATE" },
    reason: LOCKED_STARTTLS,
  },
  "startTls: the upgraded connection verifies the certificate against sni": {
    category: "platform limit",
    fails: { code: "ERR_UNSUPPORTED_OPTION" },
    reason: NO_TLS_OPTIONS,
  },
  ...serverGapsOnWorkerd,
  // Fault and hostile-input cases (issue 9).
  "faults: a write made after startTls() in the same tick, a microtask or a macrotask later rejects and never goes out in cleartext":
    {
      category: "platform limit",
      fails: { code: "ERR_INVALID_STATE" },
      reason: `${LOCKED_STARTTLS}: the case holds the old writer`,
    },
  "faults: writes still queued when startTls() runs are flushed before the handshake; a write after it is rejected and never sent":
    {
      category: "platform limit",
      fails: { code: "ERR_INVALID_STATE" },
      reason: `${LOCKED_STARTTLS}: the case holds the old writer`,
    },
  "faults: close() and abort during a STARTTLS handshake settle and release the connection": {
    category: "platform limit",
    fails: { message: "SuiteTimeout|not released within 10 s" },
    reason:
      "close() and the signal cannot cancel workerd's pending TLS upgrade (https://github.com/cloudflare/workerd/issues/2060): close() or opened does not settle, or the connection is not released",
  },
  "faults: a reset mid-download errors reads and closed with ECONNRESET and releases the connection":
    {
      category: "our trade-off",
      fails: { message: "Network connection lost" },
      reason:
        "readable is workerd's own stream (nothing of ours per chunk): a reset errors it with Error('Network connection lost.'), not a SocketError",
    },
  "faults: a reset on an idle connection errors a waiting read, a later read and closed with ECONNRESET":
    {
      category: "our trade-off",
      fails: { message: "Network connection lost" },
      reason:
        "readable is workerd's own stream (nothing of ours per chunk): a reset errors the waiting read with Error('Network connection lost.'), not a SocketError",
    },
  "faults: a reset on an idle TLS connection errors a waiting read and closed with ECONNRESET": {
    category: "our trade-off",
    fails: { message: "Network connection lost" },
    reason:
      "readable is workerd's own stream (nothing of ours per chunk): a reset errors the waiting read with Error('Network connection lost.'), not a SocketError",
  },
  "faults: a reset on an idle connection nobody reads rejects closed with ECONNRESET": {
    category: "platform limit",
    fails: { timeout: "closed with no read" },
    reason:
      "workerd notices a reset on a connection nobody reads only when it is read (measured in workerd 1.20261117: closed still pending 10 s after the RST); our closed follows workerd's",
  },
  "faults: a reset mid-upload rejects the write, reads and closed with the same ECONNRESET": {
    category: "our trade-off",
    fails: { message: "Network connection lost" },
    reason:
      "writable is workerd's own stream (nothing of ours per chunk): a reset rejects the write with Error('Network connection lost.'), not a SocketError",
  },
  "faults: a FIN or a reset during the TLS handshake fails opened and closed with ECONNRESET": {
    category: "platform limit",
    fails: { code: "ERR_CONNECTION_FAILED" },
    reason: GENERIC_CONNECT_ERROR,
  },
  "faults: a server that never answers the handshake: connectTimeout fails it with ETIMEDOUT and releases the connection":
    {
      category: "platform limit",
      fails: { message: "not released within 10 s" },
      reason:
        "workerd keeps a TLS connection whose handshake was abandoned until the server answers or drops it (https://github.com/cloudflare/workerd/issues/2060: a pending connection cannot be cancelled)",
    },
  "faults: a server that never answers the handshake: close() and abort settle at once and release the connection":
    {
      category: "platform limit",
      fails: { message: "not released within 10 s" },
      reason:
        "workerd keeps a TLS connection whose handshake was abandoned until the server answers or drops it (https://github.com/cloudflare/workerd/issues/2060)",
    },
  "faults: a name that does not resolve fails with ENOTFOUND": {
    category: "platform limit",
    fails: { code: "ERR_CONNECTION_FAILED" },
    reason: `${GENERIC_CONNECT_ERROR}, a failed lookup included`,
  },
  "hostile input: options are read from own properties only: a polluted Object.prototype cannot pick the name verified or add trust":
    {
      category: "platform limit",
      fails: { code: "ERR_CONNECTION_FAILED" },
      reason: `the connection is refused all the same, but ${GENERIC_CONNECT_ERROR}`,
    },
  "hostile input: chunks that are not really bytes, or whose memory is detached, reject with ERR_INVALID_CHUNK":
    {
      category: "our trade-off",
      fails: { message: "expected a rejection with ERR_INVALID_CHUNK, but it resolved" },
      reason:
        "writable is workerd's own stream (nothing of ours per chunk), and it accepts a detached ArrayBuffer",
    },
  "hostile input: a chunk whose buffer is transferred while it waits for the connection is rejected, never reported sent":
    {
      category: "our trade-off",
      fails: { message: "expected a rejection with ERR_INVALID_CHUNK, but it resolved" },
      reason:
        "writable is workerd's own stream, and it fulfils a write whose buffer was transferred",
    },
  "hostile input: an IP literal in sni is what gets verified": {
    category: "platform limit",
    fails: { code: "ERR_UNSUPPORTED_OPTION" },
    reason: NO_TLS_OPTIONS,
  },
  "hostile input: NODE_TLS_REJECT_UNAUTHORIZED=0 does not turn verification off": {
    category: "platform limit",
    fails: { code: "ERR_CONNECTION_FAILED" },
    reason: `verification holds (the connection fails), but ${GENERIC_CONNECT_ERROR}`,
  },
  "fuzz: the writable accepts bytes and strings and rejects anything else with a SocketError": {
    category: "our trade-off",
    fails: { message: "Property failed" },
    reason:
      "writable is workerd's own stream: a value that is not bytes is rejected with workerd's TypeError without a code, or accepted",
  },
  "startTls: expectedServerHostname is the name the upgraded connection verifies": {
    category: "platform limit",
    fails: { code: "ERR_TLS_HANDSHAKE" },
    reason:
      "workerd fails an upgrade whose certificate does not match expectedServerHostname with a generic 'internal error' (verification holds), so the code is ERR_TLS_HANDSHAKE, not ERR_TLS_CERT",
  },
  "faults: a write made on the TLS socket while its handshake runs reaches only a verified server: refused, it rejects with opened's error and nothing is sent":
    {
      category: "platform limit",
      fails: { code: "ERR_TLS_HANDSHAKE" },
      reason:
        "nothing reaches the server (checked before the code), but workerd fails an upgrade to a certificate for another name with a generic 'internal error', so the code is ERR_TLS_HANDSHAKE, not ERR_TLS_CERT",
    },
};
