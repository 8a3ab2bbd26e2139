import { describe, expect, it } from "vitest";
import { halfRange, type NoiseRow, noiseSection, spread } from "../src/orchestrate/noise.js";
import { type Cell, pairedRatios, ratio } from "../src/orchestrate/report.js";

function cell(values: number[], reps: number[]): Cell {
  return {
    runtime: "node20",
    workload: "upload",
    candidate: "ours",
    values,
    reps,
    extras: {},
    clientCpu: [],
    serverCpu: [],
    notes: new Set(),
    errors: 0,
  };
}

function row(workload: string, ratios: number[], target: number): NoiseRow {
  const s = spread(ratios);
  if (s === null) throw new Error("no spread");
  return { workload, runtime: "Node", ratios, spread: s, target };
}

describe("run-to-run noise in the report", () => {
  it("pairs ours and native by repetition, skipping repetitions one side lacks", () => {
    const ours = cell([90, 80, 120], [0, 1, 3]);
    const native = cell([100, 100, 100, 100], [0, 1, 2, 3]);
    expect(pairedRatios(ours, native)).toEqual([0.9, 0.8, 1.2]);
    expect(ratio(ours, native)).toBe(0.9);
  });

  it("gives quartiles, min–max and half-range of the ratios", () => {
    const s = spread([1.0, 0.8, 1.2, 0.9, 1.1]);
    expect(s).not.toBeNull();
    expect(s?.min).toBe(0.8);
    expect(s?.max).toBe(1.2);
    expect(s?.median).toBe(1.0);
    expect(s?.q1).toBeCloseTo(0.9, 12);
    expect(s?.q3).toBeCloseTo(1.1, 12);
    expect(halfRange(s!)).toBeCloseTo(0.2, 12);
    // One repetition shows no spread.
    expect(spread([1.0])).toBeNull();
  });

  it("states the typical spread, the noisy rows and the verdicts that flip between repetitions", () => {
    const text = noiseSection(
      [
        row("steady", [1.0, 1.01, 0.99], 0.9),
        row("wide", [0.7, 1.0, 1.3], 0.95),
        row("middle", [0.92, 1.0, 1.08], 1.5),
      ],
      3,
    );
    expect(text).toContain("Across the 3 rows with 3 repetitions");
    expect(text).toContain("spans ±8.0 % around its median");
    expect(text).toContain("1 of 3 spans more than ±10 %");
    expect(text).toContain("whose repetitions fall on both sides of the target: wide (Node).");
    expect(text).toContain(
      "| wide | Node | 0.70, 1.00, 1.30 | 1.00 | 0.85–1.15 | 0.70–1.30 | ±30 % ~ |",
    );
  });

  it("says so when no row has two repetitions", () => {
    expect(noiseSection([], 1)).toMatch(/^Not measured in this run/);
  });
});
