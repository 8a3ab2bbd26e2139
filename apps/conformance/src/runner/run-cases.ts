import {
  cases,
  DEFAULT_TIMEOUT_MS,
  type KnownGap,
  type KnownGaps,
  type SuiteContext,
  type TestCase,
} from "../suite/index.js";
import { within } from "../suite/io.js";
import { describeError, describeExpected, matchesExpected } from "./expected-failure.js";

/**
 * pass; fail (including a gapped case that failed some other way than its gap
 * names); gap = failed exactly as its known gap says; gap-passed = a listed
 * gap no longer fails (update the list).
 */
export type CaseStatus = "pass" | "fail" | "gap" | "gap-passed";

export interface CaseResult {
  name: string;
  status: CaseStatus;
  /** The failure as observed. */
  detail?: string;
  ms: number;
}

/** Runs one case, bounded by its timeout, and judges it against its gap if it has one. */
export async function runCase(
  testCase: TestCase,
  context: SuiteContext,
  gap: KnownGap | undefined,
): Promise<CaseResult> {
  const started = Date.now();
  let error: unknown;
  let threw = false;
  try {
    await within(testCase.run(context), testCase.timeoutMs ?? DEFAULT_TIMEOUT_MS, testCase.name);
  } catch (e) {
    threw = true;
    error = e;
  }
  const name = testCase.name;
  const ms = Date.now() - started;
  if (!gap) {
    return threw
      ? { name, status: "fail", detail: describeError(error), ms }
      : { name, status: "pass", ms };
  }
  if (!threw) return { name, status: "gap-passed", detail: "passed", ms };
  if (matchesExpected(error, gap.fails)) {
    return { name, status: "gap", detail: describeError(error), ms };
  }
  return {
    name,
    status: "fail",
    detail: `listed as a known gap that ${describeExpected(gap.fails)}, but failed otherwise: ${describeError(error)}`,
    ms,
  };
}

/**
 * Runs the cases one after another on any runtime (web APIs only), each
 * bounded by its timeout, and reports each result as it finishes.
 */
export async function runCases(
  context: SuiteContext,
  gaps: KnownGaps,
  report: (result: CaseResult) => void,
  filter?: (name: string) => boolean,
): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const testCase of cases) {
    if (filter && !filter(testCase.name)) continue;
    const result = await runCase(testCase, context, gaps[testCase.name]);
    results.push(result);
    report(result);
  }
  return results;
}
