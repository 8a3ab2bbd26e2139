import { CASE } from "./cases/names.js";
import type { DriverRuntime } from "./runtimes/index.js";

/**
 * A case a runtime cannot pass, with the platform's reason: reported, never
 * skipped. `failsWith` is the failure the gap expects: any other failure (a
 * hang, a different error) is a plain failure, so a gap cannot hide a
 * regression in the part of the case that does pass.
 */
export interface DriverGap {
  reason: string;
  failsWith: RegExp;
}
export type DriverGaps = Readonly<Record<string, DriverGap>>;

// Each case first checks that the connection fails and that end() completes;
// only the error code differs. Observed (workerd 1.20261117):
//   CaseFailure: expected ERR_TLS_CERT, got SocketError [ERR_TLS_HANDSHAKE]: SocketError:
//     the TLS handshake with 127.0.0.1:PORT failed (ERR_TLS_HANDSHAKE): the TLS handshake failed.
//     [internal error; reference = …]
const TLS_FAILURE_UNNAMED: DriverGap = {
  reason:
    "workerd's startTls() reports a rejected certificate as a generic 'internal error' without naming the reason, so @sockets/workers rejects with ERR_TLS_HANDSHAKE, not ERR_TLS_CERT; the upgrade still fails, end() completes and no query is sent",
  failsWith: /^CaseFailure: expected ERR_TLS_CERT, got SocketError \[ERR_TLS_HANDSHAKE\]/,
};
// pg:          CaseFailure: expected ECONNREFUSED, got SocketError [ERR_CONNECTION_FAILED]: SocketError:
//                connecting to 127.0.0.1:PORT failed (ERR_CONNECTION_FAILED): … [proxy request failed, …]
// postgres.js: CaseFailure: expected ECONNREFUSED, got Error: jsg.Error: proxy request failed,
//                cannot connect to the specified address
const REFUSED_UNNAMED: DriverGap = {
  reason:
    "workerd reports a refused connection with the same generic error as a blocked destination (ERR_CONNECTION_FAILED in @sockets/workers); postgres.js reports the error of its first write, which on workerd is a plain Error from workerd's own writable (@sockets/workers hands out workerd's streams); the connection still fails and end() completes",
  failsWith:
    /^CaseFailure: expected ECONNREFUSED, got (SocketError \[ERR_CONNECTION_FAILED\]|Error: .*proxy request failed)/,
};

function forEachDriver(title: string, gap: DriverGap): Record<string, DriverGap> {
  return {
    [`pg + pg-cloudflare: ${title}`]: gap,
    [`postgres.js (cf): ${title}`]: gap,
  };
}

export const GAPS: Readonly<Record<DriverRuntime, DriverGaps>> = {
  node: {},
  deno: {},
  bun: {},
  workerd: {
    ...forEachDriver(CASE.wrongName, TLS_FAILURE_UNNAMED),
    ...forEachDriver(CASE.untrusted, TLS_FAILURE_UNNAMED),
    ...forEachDriver(CASE.refused, REFUSED_UNNAMED),
  },
};
