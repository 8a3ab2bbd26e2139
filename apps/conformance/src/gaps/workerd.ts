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
};
