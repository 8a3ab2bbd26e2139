/**
 * Run-to-run noise of the report's ratios. Each repetition gives one
 * ours ÷ native ratio from candidates that ran back to back; how far those
 * ratios spread across repetitions is the noise a reader must see through
 * before calling a row's change between two runs an improvement or a
 * regression (issue 13: "beyond the run-to-run noise you measure").
 */

/** The spread of one row's same-repetition ratios. */
export interface Spread {
  readonly n: number;
  readonly min: number;
  readonly q1: number;
  readonly median: number;
  readonly q3: number;
  readonly max: number;
}

/** Linear-interpolated quantile of sorted values (the common "type 7"). */
function quantile(sorted: readonly number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

/** Null for fewer than two finite values: one repetition shows no spread. */
export function spread(values: readonly number[]): Spread | null {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length < 2) return null;
  return {
    n: sorted.length,
    min: sorted[0]!,
    q1: quantile(sorted, 0.25),
    median: quantile(sorted, 0.5),
    q3: quantile(sorted, 0.75),
    max: sorted[sorted.length - 1]!,
  };
}

/** Half the min–max span, as a share of the median: "±x %". */
export function halfRange(s: Spread): number {
  return (s.max - s.min) / 2 / s.median;
}

/** "0.85–1.10", the compact form the full table shows next to a ratio. */
export function spreadText(s: Spread): string {
  return `${s.min.toFixed(2)}–${s.max.toFixed(2)}`;
}

export interface NoiseRow {
  readonly workload: string;
  readonly runtime: string;
  /** ours ÷ native per repetition, in repetition order. */
  readonly ratios: readonly number[];
  readonly spread: Spread;
  readonly target: number;
}

const percent = (share: number): string => `±${(share * 100).toFixed(share < 0.1 ? 1 : 0)} %`;

/** A row is called noisy when its ratios span more than this around their median. */
const NOISY = 0.1;

function straddles(row: NoiseRow): boolean {
  return row.spread.min < row.target && row.spread.max > row.target;
}

/** "download (Node 20, Deno); upload (Bun)": rows listed once per workload. */
function byWorkload(rows: readonly NoiseRow[]): string {
  const groups = new Map<string, string[]>();
  for (const r of rows) {
    const runtimes = groups.get(r.workload);
    if (runtimes) runtimes.push(r.runtime);
    else groups.set(r.workload, [r.runtime]);
  }
  return [...groups].map(([w, runtimes]) => `${w} (${runtimes.join(", ")})`).join("; ");
}

/** The "Run-to-run noise" section: a paragraph computed from the samples and one row per ratio. */
export function noiseSection(rows: readonly NoiseRow[], repetitions: number): string {
  if (rows.length === 0) {
    return "Not measured in this run: no row has two repetitions with both ours and native (run with --reps=2 or more).";
  }
  const byHalfRange = [...rows].sort((a, b) => halfRange(a.spread) - halfRange(b.spread));
  const typical = byHalfRange[byHalfRange.length >> 1]!;
  const widest = byHalfRange.slice(-3).reverse();
  const noisy = rows.filter((r) => halfRange(r.spread) > NOISY);
  const uncertain = rows.filter(straddles);
  const name = (r: NoiseRow) => `${r.workload} on ${r.runtime} (${percent(halfRange(r.spread))})`;
  const paragraph = [
    `Across the ${rows.length} row${rows.length === 1 ? "" : "s"} with ${repetitions} repetitions, the same-repetition ratio ours ÷ native of a typical row (the median row) spans ${percent(halfRange(typical.spread))} around its median; the widest are ${widest.map(name).join(", ")}.`,
    `${noisy.length} of ${rows.length} span${noisy.length === 1 ? "s" : ""} more than ${percent(NOISY)}: a change of such a row between two runs smaller than its span is noise, not a regression or an improvement.`,
    uncertain.length > 0
      ? `The verdict (✓/✗) is within noise for ${uncertain.length} row${uncertain.length === 1 ? "" : "s"}, whose repetitions fall on both sides of the target: ${byWorkload(uncertain)}.`
      : "No row's repetitions fall on both sides of its target: every verdict holds in every repetition.",
  ].join(" ");
  const table = [
    "| Workload | Runtime | ours ÷ native per repetition | median | interquartile range | min–max | half-range |",
    "| --- | --- | --- | ---: | ---: | ---: | ---: |",
    ...rows.map(
      (r) =>
        `| ${r.workload} | ${r.runtime} | ${r.ratios.map((v) => v.toFixed(2)).join(", ")} | ${r.spread.median.toFixed(2)} | ${r.spread.q1.toFixed(2)}–${r.spread.q3.toFixed(2)} | ${spreadText(r.spread)} | ${percent(halfRange(r.spread))}${halfRange(r.spread) > NOISY ? " ~" : ""} |`,
    ),
  ];
  return `${paragraph}\n\n${table.join("\n")}`;
}
