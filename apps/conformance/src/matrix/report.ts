import type { RuntimeName } from "../entries.js";
import type { GapCategory } from "../suite/index.js";

/** One case on one runtime. `missing`: the run ended before reporting it; `not-run`: the runtime did not run. */
export type CellStatus = "pass" | "fail" | "gap" | "gap-passed" | "missing" | "not-run";

export interface Cell {
  status: CellStatus;
  /** For a listed gap: the reason in the runtime's gap list. */
  reason?: string;
  /** For a listed gap: platform limit, our trade-off or suite limitation. */
  category?: GapCategory;
  /** What was observed: the failure, or the error a gap failed with. */
  detail?: string;
  ms?: number;
}

export interface RuntimeTotals {
  pass: number;
  fail: number;
  gap: number;
  gapPassed: number;
  missing: number;
}

export interface RuntimeReport {
  runtime: RuntimeName;
  /** Runtime and version, e.g. "Deno 2.9.6". */
  label: string;
  ran: boolean;
  /** Why the runtime did not run (its backend is not built, its binary is missing). */
  notRunReason?: string;
  /** A problem with the run as a whole: it did not finish, exited non-zero, chose the wrong backend. */
  problems: string[];
  gapFile: string | null;
  durationMs: number;
  totals: RuntimeTotals;
  /** The tail of the runtime's own output, kept when something went wrong. */
  logTail?: string;
}

export interface MatrixResults {
  generatedAt: string;
  runtimes: RuntimeReport[];
  cases: { name: string; cells: Partial<Record<RuntimeName, Cell>> }[];
  totals: { passed: number; failed: number; gaps: number; notRun: RuntimeName[] };
}

export function emptyTotals(): RuntimeTotals {
  return { pass: 0, fail: 0, gap: 0, gapPassed: 0, missing: 0 };
}

/** Failures: a case that failed, a gap that now passes (update the list), a case with no result. */
export function failuresOf(totals: RuntimeTotals): number {
  return totals.fail + totals.gapPassed + totals.missing;
}

const TERMINAL: Record<CellStatus, string> = {
  pass: "pass",
  fail: "FAIL",
  gap: "gap",
  "gap-passed": "GAP-PASSED",
  missing: "NO RESULT",
  "not-run": "-",
};

function truncate(text: string, width: number): string {
  return text.length <= width ? text.padEnd(width) : `${text.slice(0, width - 1)}…`;
}

/** The matrix, the reasons and the totals, as terminal lines. The last line is "N passed, N failed". */
export function formatTerminal(results: MatrixResults): string[] {
  const runtimes = results.runtimes.map((r) => r.runtime);
  const widths = runtimes.map((r) => Math.max(r.length, 10));
  const nameWidth = 72;
  const lines: string[] = [];
  lines.push(
    `${truncate("behaviour", nameWidth)}  ${runtimes.map((r, i) => r.padEnd(widths[i] ?? 10)).join("  ")}`,
  );
  lines.push("-".repeat(nameWidth + 2 + widths.reduce((a, w) => a + w + 2, 0)));
  for (const row of results.cases) {
    const cells = runtimes.map((runtime, i) =>
      TERMINAL[row.cells[runtime]?.status ?? "not-run"].padEnd(widths[i] ?? 10),
    );
    lines.push(`${truncate(row.name, nameWidth)}  ${cells.join("  ")}`);
  }

  const section = (title: string, statuses: CellStatus[]) => {
    const entries: string[] = [];
    for (const row of results.cases) {
      for (const runtime of runtimes) {
        const cell = row.cells[runtime];
        if (!cell || !statuses.includes(cell.status)) continue;
        const why =
          cell.status === "gap"
            ? `${cell.category}: ${cell.reason}`
            : cell.status === "gap-passed"
              ? `listed as a gap ("${cell.reason}") but it passes now: remove it from the gap list`
              : cell.detail;
        entries.push(`  [${runtime}] ${row.name}\n      ${why ?? ""}`);
      }
    }
    if (entries.length > 0) lines.push("", title, ...entries);
  };
  section("Failures:", ["fail", "gap-passed", "missing"]);
  section("Known gaps (each failed as its entry in src/gaps/<runtime>.ts says):", ["gap"]);

  const problems = results.runtimes.flatMap((r) => [
    ...(r.notRunReason ? [`  ${r.runtime}: not run: ${r.notRunReason}`] : []),
    ...r.problems.map((p) => `  ${r.runtime}: ${p}`),
  ]);
  if (problems.length > 0) lines.push("", "Runtimes:", ...problems);

  lines.push("", "Totals per runtime:");
  for (const r of results.runtimes) {
    if (!r.ran) {
      lines.push(`  ${r.runtime.padEnd(15)} not run`);
      continue;
    }
    const t = r.totals;
    lines.push(
      `  ${r.runtime.padEnd(15)} ${t.pass} passed, ${failuresOf(t)} failed, ${t.gap} gaps  (${r.label}, ${(r.durationMs / 1000).toFixed(0)} s)`,
    );
  }
  const { passed, failed, gaps, notRun } = results.totals;
  lines.push("");
  lines.push(
    `${gaps} known gaps (neither passed nor failed)${notRun.length > 0 ? `; not run: ${notRun.join(", ")}` : ""}`,
  );
  lines.push(`${passed} passed, ${failed} failed`);
  return lines;
}

const MARK: Record<CellStatus, string> = {
  pass: "✅",
  fail: "❌",
  gap: "➖",
  "gap-passed": "❗",
  missing: "❌",
  "not-run": "·",
};

function escapeCell(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll("\n", " ");
}

/**
 * The support table as Markdown: one row per behaviour, one column per
 * runtime, numbered notes for every gap and failure. `heading` adds the
 * document title (RUNTIME-SUPPORT.md); the README section goes without.
 */
export function formatMarkdown(results: MatrixResults, options: { heading: boolean }): string {
  const ran = results.runtimes.filter((r) => r.ran);
  const out: string[] = [];
  if (options.heading) out.push("# Runtime support", "");
  out.push(
    `The conformance suite (${results.cases.length} behaviours), run on ${results.generatedAt.slice(0, 10)} from packed tarballs with each runtime's own module resolution${options.heading ? "; generated by `pnpm --filter @sockets/conformance conformance`, do not edit by hand" : ""}.`,
    "",
    `✅ passes · ➖ known gap, failing exactly as its note says (a *platform limit*, *our trade-off*, or a *suite limitation*) · ❌ fails${results.totals.notRun.length > 0 ? " · · not run" : ""}. \`workerd-native\` is workerd's own \`cloudflare:sockets\` with nothing of ours, for reference.`,
    "",
  );
  out.push(`| | ${ran.map((r) => `${r.runtime}<br>${escapeCell(r.label)}`).join(" | ")} |`);
  out.push(`|---|${ran.map(() => ":-:").join("|")}|`);
  out.push(
    `| **passed** | ${ran.map((r) => `${r.totals.pass}/${results.cases.length}`).join(" | ")} |`,
  );
  out.push(`| **known gaps** | ${ran.map((r) => String(r.totals.gap)).join(" | ")} |`);
  const categories: GapCategory[] = ["platform limit", "our trade-off", "suite limitation"];
  for (const category of categories) {
    const counts = ran.map(
      ({ runtime }) =>
        results.cases.filter((row) => {
          const cell = row.cells[runtime];
          return cell?.status === "gap" && cell.category === category;
        }).length,
    );
    if (counts.some((n) => n > 0)) out.push(`| ↳ *${category}* | ${counts.join(" | ")} |`);
  }
  out.push(`| **failed** | ${ran.map((r) => String(failuresOf(r.totals))).join(" | ")} |`);

  const notes: string[] = [];
  const noteIndex = new Map<string, number>();
  const noteFor = (runtime: RuntimeName, text: string): number => {
    const key = `${runtime}\u0000${text}`;
    let index = noteIndex.get(key);
    if (index === undefined) {
      notes.push(`${notes.length + 1}. **${runtime}**: ${escapeCell(text)}`);
      index = notes.length;
      noteIndex.set(key, index);
    }
    return index;
  };
  for (const row of results.cases) {
    const cells = ran.map(({ runtime }) => {
      const cell = row.cells[runtime] ?? { status: "not-run" as const };
      const text =
        cell.status === "gap"
          ? `*${cell.category}*: ${cell.reason}`
          : cell.status === "gap-passed"
            ? `listed as a gap but passes: ${cell.reason}`
            : cell.status === "fail" || cell.status === "missing"
              ? (cell.detail ?? "no result")
              : undefined;
      return text ? `${MARK[cell.status]}<sup>${noteFor(runtime, text)}</sup>` : MARK[cell.status];
    });
    out.push(`| ${escapeCell(row.name)} | ${cells.join(" | ")} |`);
  }
  if (notes.length > 0) {
    out.push("", "**Notes**", "");
    out.push(...notes);
  }
  const notRun = results.runtimes.filter((r) => !r.ran);
  if (notRun.length > 0) {
    out.push("", "**Not run**", "");
    for (const r of notRun) out.push(`- ${r.runtime}: ${escapeCell(r.notRunReason ?? "")}`);
  }
  return `${out.join("\n")}\n`;
}
