import { expect, it } from "vitest";
import { describeExpected } from "./runner/expected-failure.js";
import type { CaseResult } from "./runner/run-cases.js";
import { cases, type KnownGap, type KnownGaps } from "./suite/index.js";

/** A test title that says what a gapped case must do instead of passing. */
export function titleOf(name: string, runtime: string, gap: KnownGap | undefined): string {
  return gap
    ? `${name} [known gap on ${runtime}, ${gap.category}: ${describeExpected(gap.fails)}]`
    : name;
}

/** A gap that names no case would hide nothing and mean nothing: it fails the run. */
export function registerGapNamesCheck(runtime: string, gaps: KnownGaps): void {
  it(`every ${runtime} known gap names an existing case`, () => {
    const names = new Set(cases.map((c) => c.name));
    expect(Object.keys(gaps).filter((name) => !names.has(name))).toEqual([]);
  });
}

/** Passes for a pass without a gap, or for a gap that failed exactly as it says. */
export function expectAsListed(result: CaseResult, gap: KnownGap | undefined): void {
  if (gap) {
    expect(
      result.status,
      `listed as a known gap (${gap.category}: ${gap.reason}), but ${result.status}: ${result.detail}`,
    ).toBe("gap");
  } else {
    expect(result.status, result.detail).toBe("pass");
  }
}
