import { describe, expect, it } from "vitest";
import { bareCost, type Cell, floor } from "../src/orchestrate/report.js";
import type { CandidateId, RuntimeDef, RuntimeId } from "../src/orchestrate/runtimes.js";
import type { WorkloadId } from "../src/trial/protocol.js";

function cell(
  candidate: CandidateId,
  values: number[],
  extras: Record<string, number[]> = {},
): Cell {
  return {
    runtime: "node20",
    workload: "churn",
    candidate,
    values,
    reps: values.map((_, i) => i),
    extras,
    clientCpu: [],
    serverCpu: [],
    notes: new Set(),
    errors: 0,
  };
}

const key = (r: RuntimeId, w: WorkloadId, c: CandidateId) => `${r}|${w}|${c}`;

function runtime(reads: RuntimeDef["reads"]): RuntimeDef {
  return {
    id: "node20",
    label: "Node",
    command: "node",
    args: [],
    candidates: [],
    native: "node:net",
    reads,
  };
}

describe("the churn floor in the report", () => {
  // The floor process measured the floor at 50, 60 and 90 conn/s against
  // its own native loop at 100 each time; the native trial, another process,
  // ran at 1,000 and must not enter the ratio.
  const cells = new Map<string, Cell>([
    [key("node20", "churn", "native"), cell("native", [1000, 1000, 1000])],
    [
      key("node20", "churn", "bare"),
      cell("bare", [50, 60, 90], { native: [100, 100, 100], lazyStreams: [80, 90, 95] }),
    ],
  ]);

  it("is the median of floor ÷ native measured in the same process", () => {
    expect(floor(cells, key, runtime("push"), "churn")).toBeCloseTo(0.6, 12);
  });

  it("gives the floor's cost as µs per connection above that native loop", () => {
    const bare = cells.get(key("node20", "churn", "bare"))!;
    // 1e6 / 60 − 1e6 / 100 µs.
    expect(bareCost(bare, runtime("push"), "churn")).toBeCloseTo(1e6 / 60 - 1e4, 6);
  });

  it("has none on workerd, whose native API is web streams", () => {
    expect(floor(cells, key, runtime("native-streams"), "churn")).toBeNull();
  });
});
