import { CASE } from "./cases/names.js";
import type { DriverRuntime } from "./runtimes/index.js";

/** A case a runtime cannot pass, with the platform's reason: reported, never skipped. */
export type DriverGaps = Readonly<Record<string, string>>;

const GENERIC_CONNECT_ERROR =
  "workerd reports a refused connection and an untrusted or mismatched certificate with one generic error, so @sockets/workers rejects with ERR_CONNECTION_FAILED (the conformance suite's gap of the same name); the connection still fails and no query is sent";

function forEachDriver(title: string, reason: string): Record<string, string> {
  return {
    [`pg + pg-cloudflare: ${title}`]: reason,
    [`postgres.js (cf): ${title}`]: reason,
  };
}

export const GAPS: Readonly<Record<DriverRuntime, DriverGaps>> = {
  node: {},
  deno: {},
  bun: {},
  workerd: {
    ...forEachDriver(CASE.wrongName, GENERIC_CONNECT_ERROR),
    ...forEachDriver(CASE.untrusted, GENERIC_CONNECT_ERROR),
    ...forEachDriver(CASE.refused, GENERIC_CONNECT_ERROR),
  },
};
