import { addressCases } from "./cases-address.js";
import { faultCases, hostileInputCases } from "./cases-faults.js";
import { fuzzCases } from "./cases-fuzz.js";
import { closeCases, errorCases, halfOpenCases } from "./cases-lifecycle.js";
import { serverCases } from "./cases-server.js";
import { streamCases } from "./cases-streams.js";
import { loadCases, startTlsCases, tlsCases } from "./cases-tls.js";
import type { TestCase } from "./harness.js";

export type {
  ExpectedFailure,
  GapCategory,
  KnownGap,
  KnownGaps,
  SuiteContext,
  TestCase,
} from "./harness.js";
export { DEFAULT_TIMEOUT_MS } from "./harness.js";

/** Every behaviour, in a stable order. */
export const cases: readonly TestCase[] = [
  ...addressCases,
  ...streamCases,
  ...halfOpenCases,
  ...closeCases,
  ...errorCases,
  ...tlsCases,
  ...startTlsCases,
  ...loadCases,
  ...serverCases,
  ...faultCases,
  ...hostileInputCases,
  ...fuzzCases,
];
