import type { Scale, WorkloadId } from "../trial/protocol.js";
import type { Ceiling } from "./ceiling.js";
import { type NoiseRow, noiseSection, spread, spreadText } from "./noise.js";
import { describeScale, WORKLOADS, type WorkloadInfo, workloadInfo } from "./plan.js";
import type { CandidateId, RuntimeDef, RuntimeId } from "./runtimes.js";

/** Everything measured for one workload × runtime × candidate. */
export interface Cell {
  readonly runtime: RuntimeId;
  readonly workload: WorkloadId;
  readonly candidate: CandidateId;
  readonly values: number[];
  /** The repetition each value came from (parallel to `values`). */
  readonly reps: number[];
  readonly extras: Record<string, number[]>;
  readonly clientCpu: number[];
  readonly serverCpu: number[];
  /** Unsupported reasons, skip reasons and errors, deduplicated. */
  readonly notes: Set<string>;
  errors: number;
}

export type CellKey = (r: RuntimeId, w: WorkloadId, c: CandidateId) => string;

export interface RunInfo {
  readonly mode: "full" | "quick";
  readonly scale: Scale;
  readonly repetitions: number;
  readonly started: Date;
  readonly durationS: number;
  readonly machine: Record<string, string>;
  readonly runtimes: readonly RuntimeDef[];
  readonly command: string;
  readonly ceilings: readonly Ceiling[];
  /** The chart written next to the report (relative to it), if any. */
  readonly chart?: string;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function format(value: number, unit: string): string {
  if (!Number.isFinite(value)) return "–";
  if (unit === "µs") return value < 100 ? value.toFixed(1) : value.toFixed(0);
  if (unit === "MB/s" || unit === "conn/s" || unit === "bytes") {
    return Math.round(value).toLocaleString("en-US");
  }
  return value.toPrecision(3);
}

const pct = (share: number): string =>
  Number.isFinite(share) ? `${Math.round(share * 100)}%` : "–";

/**
 * `cell` ÷ `base`: the median of the ratios of values from the same
 * repetition (run back to back, so a slow spell of the machine hits both),
 * or the ratio of the medians when no repetition has both.
 */
export function ratio(cell: Cell, base: Cell): number {
  const paired = pairedRatios(cell, base);
  if (paired.length > 0) return median(paired);
  const m = median(base.values);
  return m > 0 ? median(cell.values) / m : Number.NaN;
}

/** `cell` ÷ `base` for every repetition that has both, in repetition order. */
export function pairedRatios(cell: Cell, base: Cell): number[] {
  const paired: number[] = [];
  cell.reps.forEach((rep, i) => {
    const j = base.reps.indexOf(rep);
    // A base at or below zero (an RSS delta lost in the noise) gives no ratio.
    if (j !== -1 && base.values[j]! > 0) paired.push(cell.values[i]! / base.values[j]!);
  });
  return paired;
}

export function meets(info: WorkloadInfo, r: number): boolean {
  return info.better === "higher" ? r >= info.target : r <= info.target;
}

/** Two decimals, or three where two would round a miss onto the target. */
export function ratioText(info: WorkloadInfo, r: number): string {
  const two = r.toFixed(2);
  return Number(two) === info.target && !meets(info, r) ? r.toFixed(3) : two;
}

/**
 * How close @sockets/connect comes to native on a scale where more is always
 * better: ours ÷ native for throughput and rates, native ÷ ours for times and
 * memory. 1 is parity; the same turn is applied to the floor and the target.
 */
export function score(info: WorkloadInfo, oursOverNative: number): number {
  return info.better === "higher" ? oursOverNative : 1 / oursOverNative;
}

/**
 * Ours ÷ floor, turned the same way: 1 means at the web-streams floor, below
 * 1 is overhead of ours above what the interface costs. Null where there is
 * no floor (workerd, workloads with no bare measurement).
 */
export function overFloor(info: WorkloadInfo, oursOverNative: number, f: number): number {
  return score(info, oursOverNative) / score(info, f);
}

/**
 * Ours ÷ floor for a row: where the floor ran on a real socket, the median of
 * ours ÷ floor of the same repetition (run back to back, as ours ÷ native is);
 * else, and with no repetition holding both, the ratio of ours ÷ native to the
 * floor. Dividing the two medians would pair ours of one repetition with the
 * floor of another: in the 7 December 07:13 run that put Node 20's TLS
 * download at 0.87 where the same-repetition ratios have a median of 0.95.
 */
export function oursOverFloor(
  info: WorkloadInfo,
  ours: Cell,
  native: Cell,
  bare: Cell | undefined,
  f: number,
): number {
  if (bare !== undefined && onSocket(bare)) {
    const paired = pairedRatios(ours, bare);
    if (paired.length > 0) return score(info, median(paired));
  }
  return overFloor(info, ratio(ours, native), f);
}

/** True when `a` is better than `b` for this workload. */
export function better(info: WorkloadInfo, a: number, b: number): boolean {
  return info.better === "higher" ? a > b : a < b;
}

const targetText = (info: WorkloadInfo): string =>
  `${info.better === "higher" ? "≥" : "≤"} ${info.target.toFixed(2)}×${info.assumedTarget ? "*" : ""}`;

/**
 * The best ratio to native a library built on web streams can reach here.
 * Where the bare candidate ran on a real socket it is measured: for the
 * downloads and the upload (src/trial/download-floor.ts, upload-floor.ts)
 * the bare rate ÷ native's of the same repetition, like ours; for churn the ratio within the floor's own
 * process (src/trial/churn-floor.ts). Elsewhere it is synthetic: the native cost
 * per unit plus the bare web-streams cost per unit (src/trial/bare.ts),
 * against the native cost alone.
 */
export function floor(
  cells: Map<string, Cell>,
  key: CellKey,
  runtime: RuntimeDef,
  w: WorkloadId,
): number | null {
  // On workerd the native API already is web streams: there is no floor above it.
  if (runtime.reads === "native-streams") return null;
  const native = cells.get(key(runtime.id, w, "native"));
  const bare = cells.get(key(runtime.id, w, "bare"));
  if (!native || !bare || native.values.length === 0 || bare.values.length === 0) return null;
  // The churn floor is measured on real connections, interleaved with a
  // native loop in its own process (src/trial/churn-floor.ts): the floor is
  // the median of those in-process ratios.
  if (w === "churn") {
    const r = inProcessRatio(bare, bare.values);
    return Number.isFinite(r) && r > 0 ? r : null;
  }
  if (onSocket(bare)) {
    const r = ratio(bare, native);
    return Number.isFinite(r) && r > 0 ? r : null;
  }
  return syntheticFloor(native, bare, runtime, w);
}

/** True where the bare candidate measured this workload on a real socket (download-floor.ts, upload-floor.ts). */
export function onSocket(bare: Cell): boolean {
  return (bare.extras.onSocket?.length ?? 0) > 0;
}

/** The floor computed from the bare streams' cost with no socket (bare.ts) and native's rate. */
export function syntheticFloor(
  native: Cell,
  bare: Cell,
  runtime: RuntimeDef,
  w: WorkloadId,
): number | null {
  const n = median(native.values);
  const b = bareCost(bare, runtime, w);
  if (!(n > 0) || !Number.isFinite(b)) return null;
  switch (w) {
    case "download":
    case "download-byob":
    case "tls-download":
    case "upload": {
      // MB/s is bytes per µs: µs per native chunk = chunk bytes ÷ MB/s.
      const chunk = median(native.extras.chunkBytes ?? []) || 64 * 1024;
      const nativeUs = chunk / n;
      return nativeUs / (nativeUs + b);
    }
    case "pingpong":
    case "pingpong-pinned":
    case "idle-memory":
    case "idle-memory-byob":
      return (n + b) / n;
    default:
      return null;
  }
}

/**
 * Churn: the median of `values[i] ÷ extras.native[i]`, rates the floor
 * process measured side by side (src/trial/churn-floor.ts).
 */
function inProcessRatio(bare: Cell, values: readonly number[]): number {
  const native = bare.extras.native ?? [];
  const ratios = values.flatMap((v, i) => {
    const n = native[i];
    return n !== undefined && n > 0 ? [v / n] : [];
  });
  return ratios.length > 0 ? median(ratios) : Number.NaN;
}

/**
 * The bare web-streams cost that applies to this runtime's backend design;
 * for churn, µs per connection the floor loop spends above the native one
 * (both measured as connections per second).
 */
export function bareCost(bare: Cell, runtime: RuntimeDef, w: WorkloadId): number {
  if (w === "churn") {
    const native = bare.extras.native ?? [];
    if (native.length === 0) return Number.NaN;
    return 1e6 / median(bare.values) - 1e6 / median(native);
  }
  const pull = bare.extras.pull;
  if (runtime.reads === "pull" && pull && pull.length > 0) return median(pull);
  // A floor measured on a socket carries the synthetic cost alongside its rate.
  const value = median(bare.extras.syntheticUs ?? bare.values);
  // An RSS delta lost in page-level noise: fall back to the streams' heap bytes.
  if (w.startsWith("idle-memory") && !(value > 0)) return median(bare.extras.heapPerSocket ?? []);
  return value;
}

/**
 * Client CPU per MiB of `base` ÷ that of `cell`, paired by repetition: the
 * ratio to native by CPU (higher is better, as for rates). NaN where a cell
 * has no CPU reading for every value.
 */
export function cpuRatio(cell: Cell, base: Cell): number {
  const c = cell.extras.cpuUsPerMiB ?? [];
  const b = base.extras.cpuUsPerMiB ?? [];
  if (c.length !== cell.reps.length || b.length !== base.reps.length) return Number.NaN;
  const paired: number[] = [];
  cell.reps.forEach((rep, i) => {
    const j = base.reps.indexOf(rep);
    // No CPU tick in a short window reads as 0: no ratio.
    if (j !== -1 && c[i]! > 0 && b[j]! > 0) paired.push(b[j]! / c[i]!);
  });
  return median(paired);
}

interface Row {
  workload: string;
  runtime: string;
  candidate: string;
  median: string;
  range: string;
  ratio: string;
  target: string;
  met: string;
  cpu: string;
}

const HIDDEN: readonly CandidateId[] = ["bare"];

function rowsFor(cells: Map<string, Cell>, runtimes: readonly RuntimeDef[], key: CellKey): Row[] {
  const rows: Row[] = [];
  for (const info of WORKLOADS) {
    let firstOfWorkload = true;
    for (const runtime of runtimes) {
      let firstOfRuntime = true;
      const get = (c: CandidateId) => cells.get(key(runtime.id, info.id, c));
      const native = get("native");
      const arrowood = get("arrowood");
      for (const candidate of runtime.candidates) {
        if (HIDDEN.includes(candidate.id)) continue;
        const cell = get(candidate.id);
        if (cell === undefined) continue;
        const m = median(cell.values);
        let r = "";
        let met = "";
        let target = "";
        if (cell.values.length === 0) {
          r = [...cell.notes].join("; ") || "no result";
        } else if (candidate.id === "native") {
          r = "1.00";
        } else if (native && native.values.length > 0) {
          const value = ratio(cell, native);
          r = Number.isFinite(value) ? ratioText(info, value) : "– (native below resolution)";
          const s = spread(pairedRatios(cell, native));
          if (s !== null && Number.isFinite(value)) r += ` (${spreadText(s)})`;
          if (candidate.id === "ours" && Number.isFinite(value)) {
            target = targetText(info);
            met = meets(info, value) ? "yes" : "NO";
            const f = floor(cells, key, runtime, info.id);
            if (f !== null) met += ` (streams floor ${f.toFixed(2)})`;
            if (arrowood && arrowood.values.length > 0) {
              met += better(info, m, median(arrowood.values))
                ? "; beats arrowood"
                : "; NOT better than arrowood";
            } else if (arrowood) {
              met += "; arrowood n/a";
            }
          }
        } else {
          r = "no native result";
        }
        if (cell.errors > 0) r += ` (${cell.errors} failed)`;
        rows.push({
          workload: firstOfWorkload ? `${info.label} (${info.unit})` : "",
          runtime: firstOfRuntime ? runtime.label : "",
          candidate: candidate.id === "native" ? `native: ${candidate.label}` : candidate.label,
          median: cell.values.length > 0 ? format(m, info.unit) : "–",
          range:
            (info.id.startsWith("idle-memory") && cell.extras.heapPerSocket
              ? `heap ${format(median(cell.extras.heapPerSocket), "bytes")}; `
              : "") +
            (cell.values.length > 1
              ? `${format(Math.min(...cell.values), info.unit)}–${format(Math.max(...cell.values), info.unit)} (n=${cell.values.length})`
              : cell.values.length === 1
                ? "n=1"
                : ""),
          ratio: r,
          target,
          met,
          cpu:
            cell.clientCpu.length > 0
              ? `${pct(median(cell.clientCpu))} / ${pct(median(cell.serverCpu))}`
              : "",
        });
        firstOfWorkload = false;
        firstOfRuntime = false;
      }
    }
  }
  return rows;
}

const HEADERS: Row = {
  workload: "Workload",
  runtime: "Runtime",
  candidate: "Candidate",
  median: "Median",
  range: "Range",
  ratio: "× native",
  target: "Target",
  met: "Met?",
  cpu: "CPU client / server",
};
const COLUMNS = Object.keys(HEADERS) as (keyof Row)[];

export function consoleTable(
  cells: Map<string, Cell>,
  runtimes: readonly RuntimeDef[],
  key: CellKey,
): string {
  const rows = [HEADERS, ...rowsFor(cells, runtimes, key)];
  const widths = COLUMNS.map((c) => Math.min(90, Math.max(...rows.map((r) => r[c].length))));
  const line = (r: Row) =>
    COLUMNS.map((c, i) => (c === "median" ? r[c].padStart(widths[i]!) : r[c].padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  const out: string[] = [];
  rows.forEach((r, i) => {
    if (i > 1 && r.workload !== "") out.push("");
    out.push(line(r));
    if (i === 0) out.push(widths.map((w) => "-".repeat(w)).join("  "));
  });
  return out.join("\n");
}

function markdownTable(rows: Row[]): string {
  const escapePipes = (s: string) => s.replaceAll("|", "\\|");
  const out = [
    `| ${COLUMNS.map((c) => HEADERS[c]).join(" | ")} |`,
    `| ${COLUMNS.map((c) => (c === "median" ? "---:" : "---")).join(" | ")} |`,
  ];
  for (const r of rows) out.push(`| ${COLUMNS.map((c) => escapePipes(r[c])).join(" | ")} |`);
  return out.join("\n");
}

/** One line per workload, one column per runtime: is the target met for @sockets/connect? */
function summary(cells: Map<string, Cell>, runtimes: readonly RuntimeDef[], key: CellKey): string {
  const active = runtimes.filter((r) => r.missing === undefined);
  const out = [
    `| Workload | Target | ${active.map((r) => r.label).join(" | ")} |`,
    `| --- | --- | ${active.map(() => "---").join(" | ")} |`,
  ];
  for (const info of WORKLOADS) {
    const cols = active.map((runtime) => {
      const ours = cells.get(key(runtime.id, info.id, "ours"));
      const native = cells.get(key(runtime.id, info.id, "native"));
      if (!ours || !native) return "–";
      if (ours.values.length === 0) return [...ours.notes][0]?.split(":")[0] ?? "no result";
      if (native.values.length === 0) return "no native result";
      const r = ratio(ours, native);
      if (!Number.isFinite(r)) return "– (native below resolution)";
      const f = floor(cells, key, runtime, info.id);
      return `${ratioText(info, r)}× ${meets(info, r) ? "✓" : "✗"}${f !== null ? ` (floor ${f.toFixed(2)})` : ""}`;
    });
    out.push(`| ${info.label} | ${targetText(info)} | ${cols.join(" | ")} |`);
  }
  return out.join("\n");
}

const overFloorText = (v: number): string =>
  Number.isFinite(v) ? `${v.toFixed(2)}${v < OVER_FLOOR_TARGET ? " ✗" : ""}` : "–";

/** Below this, ours costs measurably more than the interface: ours to fix, or to explain with a profile. */
const OVER_FLOOR_TARGET = 0.95;

/** One line per workload, one column per runtime: ours ÷ floor. */
function overFloorSummary(
  cells: Map<string, Cell>,
  runtimes: readonly RuntimeDef[],
  key: CellKey,
): string {
  const active = runtimes.filter((r) => r.missing === undefined && r.reads !== "native-streams");
  const out = [
    `| Workload | ${active.map((r) => r.label).join(" | ")} |`,
    `| --- | ${active.map(() => "---:").join(" | ")} |`,
  ];
  for (const info of WORKLOADS) {
    const cols = active.map((runtime) => {
      const ours = cells.get(key(runtime.id, info.id, "ours"));
      const native = cells.get(key(runtime.id, info.id, "native"));
      const f = floor(cells, key, runtime, info.id);
      if (!ours || !native || f === null || ours.values.length === 0 || native.values.length === 0)
        return "–";
      const bare = cells.get(key(runtime.id, info.id, "bare"));
      return overFloorText(oursOverFloor(info, ours, native, bare, f));
    });
    if (cols.every((c) => c === "–")) continue;
    out.push(`| ${info.label} | ${cols.join(" | ")} |`);
  }
  return out.join("\n");
}

/** Ours ÷ native per repetition for every row with at least two paired repetitions. */
function noiseRows(
  cells: Map<string, Cell>,
  runtimes: readonly RuntimeDef[],
  key: CellKey,
): NoiseRow[] {
  const rows: NoiseRow[] = [];
  for (const info of WORKLOADS) {
    for (const runtime of runtimes) {
      const ours = cells.get(key(runtime.id, info.id, "ours"));
      const native = cells.get(key(runtime.id, info.id, "native"));
      if (!ours || !native) continue;
      const ratios = pairedRatios(ours, native);
      const s = spread(ratios);
      if (s === null) continue;
      rows.push({
        workload: info.label,
        runtime: runtime.label,
        ratios,
        spread: s,
        target: info.target,
      });
    }
  }
  return rows;
}

/** A measured floor's note: it ran on a socket, and what the synthetic estimate said. */
function measuredFloorText(native: Cell, bare: Cell, runtime: RuntimeDef, w: WorkloadId): string {
  const synthetic = syntheticFloor(native, bare, runtime, w);
  return ` on a socket${synthetic !== null ? ` (synthetic ${synthetic.toFixed(2)}×)` : ""}`;
}

/**
 * Client CPU µs per MiB of native, the floor and ours (medians), then the
 * floor and ours as ratios to native by CPU, and ours ÷ floor by CPU.
 */
function cpuText(native: Cell | undefined, bare: Cell, ours: Cell | undefined): string {
  const us = (c: Cell | undefined) => median(c?.extras.cpuUsPerMiB ?? []);
  if (!native || !onSocket(bare) || !Number.isFinite(us(native))) return "–";
  const all = [native, bare, ours].map((c) => (Number.isFinite(us(c)) ? Math.round(us(c)) : "–"));
  const floorCpu = cpuRatio(bare, native);
  const oursCpu = ours ? cpuRatio(ours, native) : Number.NaN;
  const parts = [
    Number.isFinite(floorCpu) ? `floor ${floorCpu.toFixed(2)}×` : "",
    Number.isFinite(oursCpu) ? `ours ${oursCpu.toFixed(2)}×` : "",
    ours && Number.isFinite(cpuRatio(ours, bare))
      ? `ours ÷ floor ${cpuRatio(ours, bare).toFixed(2)}`
      : "",
  ].filter((p) => p !== "");
  return `${all.join(" / ")} µs${parts.length > 0 ? ` (${parts.join(", ")})` : ""}`;
}

/** Churn: the floor of a Socket that makes its streams on first access (src/trial/churn-floor.ts). */
function lazyFloorText(bare: Cell): string {
  const r = inProcessRatio(bare, bare.extras.lazyStreams ?? []);
  return Number.isFinite(r) ? `; ${r.toFixed(2)}× with streams made on first use` : "";
}

function floorSection(
  cells: Map<string, Cell>,
  runtimes: readonly RuntimeDef[],
  key: CellKey,
): string {
  const out = [
    "| Workload | Runtime | Native | Bare web-streams cost | Floor (best reachable ratio) | @sockets/connect | ours ÷ floor | Client CPU per MiB: native / floor / ours |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  const units: Partial<Record<WorkloadId, string>> = {
    download: "µs per chunk",
    "download-byob": "µs per chunk",
    "tls-download": "µs per chunk",
    upload: "µs per 64 KiB write",
    pingpong: "µs per round trip",
    "pingpong-pinned": "µs per round trip",
    churn: "µs per connection (streams, opened, both addresses)",
    "idle-memory": "bytes RSS per idle pair",
    "idle-memory-byob": "bytes RSS per idle pair",
  };
  for (const info of WORKLOADS) {
    for (const runtime of runtimes) {
      const bare = cells.get(key(runtime.id, info.id, "bare"));
      const native = cells.get(key(runtime.id, info.id, "native"));
      const ours = cells.get(key(runtime.id, info.id, "ours"));
      if (!bare || bare.values.length === 0) continue;
      const b = bareCost(bare, runtime, info.id);
      const f = floor(cells, key, runtime, info.id);
      const unit = units[info.id] ?? "";
      const oursRatio =
        ours && native && ours.values.length > 0 && native.values.length > 0
          ? ratio(ours, native)
          : Number.NaN;
      const oursText = Number.isFinite(oursRatio) ? `${oursRatio.toFixed(2)}×` : "–";
      const floorText =
        f !== null && ours && native && Number.isFinite(oursRatio)
          ? overFloorText(oursOverFloor(info, ours, native, bare, f))
          : "–";
      const nativeText =
        native && native.values.length > 0
          ? `${format(median(native.values), info.unit)} ${info.unit}`
          : "–";
      const note =
        info.id === "churn"
          ? lazyFloorText(bare)
          : native && onSocket(bare)
            ? measuredFloorText(native, bare, runtime, info.id)
            : "";
      const fText = f !== null ? `${f.toFixed(2)}×${note}` : "–";
      out.push(
        `| ${info.label} | ${runtime.label} (${runtime.reads}) | ${nativeText} | ${Number.isFinite(b) ? (b < 100 ? b.toFixed(2) : Math.round(b).toLocaleString("en-US")) : "–"} ${unit} | ${fText} | ${oursText} | ${floorText} | ${cpuText(native, bare, ours)} |`,
      );
    }
  }
  return out.join("\n");
}

function ceilingSection(info: RunInfo, cells: Map<string, Cell>, key: CellKey): string {
  if (info.ceilings.length === 0) {
    return "Not measured in this run (no C server, or --no-ceiling).";
  }
  const out = [
    "| Workload | The server against itself (C client) | Server CPU | Fastest candidate of this run | Server CPU in its run |",
    "| --- | ---: | ---: | --- | ---: |",
  ];
  for (const ceiling of info.ceilings) {
    const w = workloadInfo(ceiling.workload);
    let best: { label: string; value: number; serverCpu: number } | null = null;
    for (const runtime of info.runtimes) {
      for (const candidate of runtime.candidates) {
        if (HIDDEN.includes(candidate.id)) continue;
        const cell = cells.get(key(runtime.id, w.id, candidate.id));
        if (!cell || cell.values.length === 0) continue;
        const value = median(cell.values);
        if (best === null || better(w, value, best.value)) {
          best = {
            label: `${runtime.label} ${candidate.label}`,
            value,
            serverCpu: median(cell.serverCpu),
          };
        }
      }
    }
    const value =
      ceiling.values.length > 0
        ? `${format(median(ceiling.values), w.unit)} ${w.unit}`
        : `failed: ${ceiling.errors[0] ?? "?"}`;
    out.push(
      `| ${w.label} | ${value} | ${pct(median(ceiling.serverCpu))} | ${best ? `${format(best.value, w.unit)} ${w.unit}: ${best.label}` : "–"} | ${best ? pct(best.serverCpu) : "–"} |`,
    );
  }
  return out.join("\n");
}

export function markdown(info: RunInfo, cells: Map<string, Cell>, key: CellKey): string {
  const { runtimes } = info;
  const machine = Object.entries(info.machine)
    .map(([k, v]) => `- **${k}:** ${v}`)
    .join("\n");
  const natives = runtimes
    .map((r) => `- **${r.label}:** ${r.missing ? `not run (${r.missing})` : r.native}`)
    .join("\n");
  const assumed = WORKLOADS.filter((w) => w.assumedTarget)
    .map((w) => w.label)
    .join(" and ");
  return `# Benchmark results

Generated by \`${info.command}\` (${info.mode === "quick" ? "**--quick smoke run: sizes scaled down, numbers not meaningful**" : "full run"}) on ${info.started.toISOString()}, in ${Math.round(info.durationS)} s.

Every value is the **median of ${info.repetitions} repetitions**. Within a repetition the candidates of a workload run back to back in rotating order, each in a fresh process; the ratio is the median over repetitions of ours ÷ native from the same repetition, in the workload's own unit (higher is better for throughput and rates, lower for times and memory). See README.md for the method. Absolute values vary between machines and runs: read the ratios. For the downloads, the floor section also gives **client CPU per MiB**: the client process's CPU time (user + system, all threads, from /proc) over the measured window, divided by the MiB moved; it holds better than MB/s while other work shares the machine.

## Machine

${machine}

## Scale

${describeScale(info.scale)}.

## Native baselines

${natives}

## Targets for @sockets/connect

${summary(cells, runtimes, key)}

Targets marked * are not set by the issue: ${assumed} use the churn and ping-pong targets. "floor" is the best ratio any library built on web streams can reach on that runtime (next section).
${info.chart ? `\n![@sockets/connect against native per workload and runtime, with the web-streams floor and the target](${info.chart})\n` : ""}
## Overhead above the web-streams floor

Ours ÷ floor, turned so that 1.00 means at the floor and below 1 is always worse (for times and memory it is floor ÷ ours); where the floor ran on a real socket, the median of ours ÷ floor of the same repetition. Below ${OVER_FLOOR_TARGET.toFixed(2)} (✗) the gap is ours, not the interface's: to fix, or to explain with a profile (FINDINGS.md). workerd has no floor (its native API is web streams).

${overFloorSummary(cells, runtimes, key)}

## Run-to-run noise

How far the ratio of one row moves between repetitions of this run: each repetition's ours ÷ native comes from candidates run back to back, and the headline ratio is their median. A row whose ratio differs from another run's by less than its spread here has not moved beyond noise. Rows marked ~ span more than ±10 %.

${noiseSection(noiseRows(cells, runtimes, key), info.repetitions)}

## All measurements

"× native" is the median of the same-repetition ratios, with their min–max across repetitions in parentheses. "beats arrowood" compares medians with @arrowood.dev/socket 0.2.0 on the same Node. CPU is the share of one core used by the client process / the load server during the measured window (median over repetitions).

${markdownTable(rowsFor(cells, runtimes, key))}

## Web-streams floor

What the streams alone cost on each runtime, measured with no socket (src/trial/bare.ts): a \`type: "bytes"\` ReadableStream with highWaterMark 0 and a WritableStream passing the same chunks, reads and writes as the socket workloads. The floor adds that cost to the native cost per unit; a target beyond the floor cannot be met by any implementation of the spec's stream interface on that runtime. Churn's floor is measured on real connections instead (src/trial/churn-floor.ts): the native connect and close plus a byte ReadableStream and a WritableStream per connection, an \`opened\`-like promise resolved with both addresses, and both streams closed; its cost column is µs per connection above native. It runs interleaved with a native loop in the same process, and the floor is the ratio between the two (across processes, churn rates swung as much as the rows they bound). Since a Socket may make its streams on first access, the same loop without the streams is given next to it.

The download rows (default reader, BYOB reader, TLS) are **measured on a real socket** instead (src/trial/download-floor.ts, marked "on a socket"): the runtime's native connection with only a byte ReadableStream around it, fed as our backend feeds it there, read by the same loop as ours from the same server, as one more candidate in the same rotation and repetitions; the floor is its rate ÷ native's of the same repetition, and the synthetic estimate is given next to it. The upload row is measured the same way (src/trial/upload-floor.ts): the native connection with only a WritableStream whose sink is the native write, written by the same loop as ours to the same sink. The other rows are still synthetic. The last column is client CPU per MiB of native, the measured floor and ours, and their ratios to native by CPU (native's CPU per MiB ÷ theirs).

The runtime column says how our backend feeds its readable there: "push" (Node, Bun: chunks from the runtime's events go to the read that waits: enqueued for a default read; for a BYOB read copied into the view and answered with respond() on Node, enqueued for the stream to copy on Bun, whichever the runtime does faster), "pull" (Deno: the transport reads into the reader's view; a default read needs fresh memory for each chunk: a byte stream's enqueue transfers the chunk's whole buffer), or "native-streams" (workerd: the native API already is web streams, so it has no floor above it).

${floorSection(cells, runtimes, key)}

## Load server ceiling

The plain services measured against themselves: the C server's own code as a client that only moves bytes (\`recv\` into one static 1 MiB buffer, \`send\` of one 1 MiB block), next to the fastest candidate of this run. On loopback the sender also pays most of the receiver's kernel work, so a single connection tops out near one core on the server side: a row whose server CPU is near 100 % measured the server as much as the client. For TLS rows, read the server CPU column of the full table (the server encrypts what the client decrypts).

${ceilingSection(info, cells, key)}
`;
}
