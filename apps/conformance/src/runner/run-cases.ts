import { cases, DEFAULT_TIMEOUT_MS, type KnownGaps, type SuiteContext } from "../suite/index.js";
import { within } from "../suite/io.js";

export type CaseStatus = "pass" | "fail" | "gap" | "gap-passed";

export interface CaseResult {
  name: string;
  /** pass; fail; gap = a known gap failed as expected; gap-passed = a listed gap no longer fails (update the list). */
  status: CaseStatus;
  /** The failure, or the gap's reason. */
  detail?: string;
  ms: number;
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
    const started = Date.now();
    let error: unknown;
    try {
      await within(testCase.run(context), testCase.timeoutMs ?? DEFAULT_TIMEOUT_MS, testCase.name);
    } catch (e) {
      error = e ?? new Error("rejected with undefined");
    }
    const gap = gaps[testCase.name];
    const ms = Date.now() - started;
    const result: CaseResult =
      gap !== undefined
        ? error === undefined
          ? { name: testCase.name, status: "gap-passed", detail: gap, ms }
          : { name: testCase.name, status: "gap", detail: `${gap} (${describe(error)})`, ms }
        : error === undefined
          ? { name: testCase.name, status: "pass", ms }
          : { name: testCase.name, status: "fail", detail: describe(error), ms };
    results.push(result);
    report(result);
  }
  return results;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return `${error.name}${typeof code === "string" ? ` [${code}]` : ""}: ${error.message}`;
  }
  return String(error);
}
