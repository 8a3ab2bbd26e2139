import { describe, expect, it } from "vitest";
import { workloadInfo } from "../src/orchestrate/plan.js";
import {
  type Cell,
  cpuRatio,
  floor,
  oursOverFloor,
  overFloor,
  syntheticFloor,
} from "../src/orchestrate/report.js";
import type { CandidateId, RuntimeDef } from "../src/orchestrate/runtimes.js";

function cell(
  candidate: CandidateId,
  values: number[],
  reps: number[],
  extras: Record<string, number[]> = {},
): Cell {
  return {
    runtime: "node24",
    workload: "download",
    candidate,
    values,
    reps,
    extras,
    clientCpu: [],
    serverCpu: [],
    notes: new Set(),
    errors: 0,
  };
}

const runtime: RuntimeDef = {
  id: "node24",
  label: "Node",
  command: "node",
  args: [],
  candidates: [],
  native: "node:net",
  reads: "push",
};
const key = (_r: string, _w: string, c: string) => c;
const cells = (...list: Cell[]) => new Map(list.map((c) => [c.candidate as string, c]));

describe("the download floor in the report", () => {
  const native = cell("native", [1000, 2000, 1000], [0, 1, 2], {
    chunkBytes: [65536, 65536, 65536],
  });

  it("is the socket-measured rate ÷ native's of the same repetition where the floor ran on a socket", () => {
    // 65536 B at 1000 MB/s is 65.5 µs per chunk; the synthetic cost adds 6.55 µs.
    const bare = cell("bare", [800, 1800, 900], [0, 1, 2], {
      onSocket: [1, 1, 1],
      syntheticUs: [6.5536, 6.5536, 6.5536],
    });
    expect(floor(cells(native, bare), key, runtime, "download")).toBeCloseTo(0.9, 12);
    // The synthetic estimate is still there to compare with.
    expect(syntheticFloor(native, bare, runtime, "download")).toBeCloseTo(1 / 1.1 / 1, 2);
  });

  it("stays synthetic where the bare candidate measured streams alone", () => {
    const bare = cell("bare", [6.5536, 6.5536, 6.5536], [0, 1, 2]);
    expect(floor(cells(native, bare), key, runtime, "download")).toBeCloseTo(1 / 1.1, 2);
  });

  it("takes the upload floor from the socket-measured rate too, with the synthetic one alongside", () => {
    // Native uploads report no chunk size: 64 KiB writes at 1000 MB/s are 65.5 µs each.
    const nativeUpload = cell("native", [1000, 2000, 1000], [0, 1, 2]);
    const bare = cell("bare", [700, 1900, 950], [0, 1, 2], {
      onSocket: [1, 1, 1],
      syntheticUs: [6.5536, 6.5536, 6.5536],
    });
    expect(floor(cells(nativeUpload, bare), key, runtime, "upload")).toBeCloseTo(0.95, 12);
    expect(syntheticFloor(nativeUpload, bare, runtime, "upload")).toBeCloseTo(1 / 1.1, 2);
    // Without the mark, the same samples are read as the synthetic µs per write.
    const synthetic = cell("bare", [6.5536, 6.5536, 6.5536], [0, 1, 2]);
    expect(floor(cells(nativeUpload, synthetic), key, runtime, "upload")).toBeCloseTo(1 / 1.1, 2);
  });

  it("compares client CPU per MiB by repetition, ignoring windows with no CPU tick", () => {
    const base = cell("native", [1, 1, 1], [0, 1, 2], { cpuUsPerMiB: [400, 500, 0] });
    const bare = cell("bare", [1, 1, 1], [0, 1, 2], { cpuUsPerMiB: [500, 500, 300] });
    expect(cpuRatio(bare, base)).toBeCloseTo(0.9, 12);
    expect(Number.isNaN(cpuRatio(cell("bare", [1], [0]), base))).toBe(true);
  });
});

describe("ours ÷ floor in the report", () => {
  const info = workloadInfo("download");
  const native = cell("native", [1000, 1000, 1000], [0, 1, 2]);

  it("pairs ours with the socket floor of the same repetition", () => {
    // Repetition 0 was a slow spell for both ours and the floor: ours ÷ floor
    // of each repetition is 1.0, 1.0, 0.7 (median 1.0), where dividing the
    // medians (ours ÷ native 0.9, floor ÷ native 1.0) gives 0.9.
    const ours = cell("ours", [900, 1000, 700], [0, 1, 2]);
    const bare = cell("bare", [900, 1000, 1000], [0, 1, 2], { onSocket: [1, 1, 1] });
    const f = floor(cells(native, bare), key, runtime, "download")!;
    expect(f).toBeCloseTo(1, 12);
    expect(overFloor(info, 0.9, f)).toBeCloseTo(0.9, 12);
    expect(oursOverFloor(info, ours, native, bare, f)).toBeCloseTo(1, 12);
  });

  it("divides by the synthetic floor where the floor had no socket", () => {
    const ours = cell("ours", [900, 900, 900], [0, 1, 2]);
    const bare = cell("bare", [6.5536, 6.5536, 6.5536], [0, 1, 2]);
    const f = floor(cells(native, bare), key, runtime, "download")!;
    expect(oursOverFloor(info, ours, native, bare, f)).toBeCloseTo(0.9 / f, 12);
  });
});
