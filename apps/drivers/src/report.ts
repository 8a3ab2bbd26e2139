import { readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { formatMarkdownWithBiome } from "@sockets/conformance/markdown";
import { DRIVERS } from "./cases/index.js";
import { CLEAN_EXIT } from "./cases/names.js";

export interface Cell {
  status: "pass" | "fail" | "gap";
  detail?: string;
  /** For a gap: how the case actually failed, shown in the terminal. */
  observed?: string;
}

export interface RuntimeColumn {
  runtime: string;
  version: string;
  /** Case name → outcome. */
  cells: Map<string, Cell>;
  ms: number;
}

function rowNames(columns: readonly RuntimeColumn[]): string[] {
  const known = Object.entries(DRIVERS).flatMap(([driver, cases]) =>
    Object.keys(cases).map((title) => `${driver}: ${title}`),
  );
  const present = new Set(columns.flatMap((c) => [...c.cells.keys()]));
  return [...known.filter((name) => present.has(name)), CLEAN_EXIT];
}

const MARK = { pass: "pass", fail: "FAIL", gap: "gap" } as const;

/** The terminal matrix, every failure and gap with its reason, and the totals. */
export function formatMatrix(columns: readonly RuntimeColumn[]): {
  text: string;
  passed: number;
  failed: number;
  gaps: number;
} {
  const rows = rowNames(columns);
  const width = Math.min(100, Math.max(...rows.map((r) => r.length)));
  const lines = [
    `${"case".padEnd(width)}  ${columns.map((c) => c.runtime.padEnd(9)).join(" ")}`,
    "-".repeat(width + 2 + columns.length * 10),
  ];
  let passed = 0;
  let failed = 0;
  let gaps = 0;
  const notes: string[] = [];
  for (const row of rows) {
    const label = row.length > width ? `${row.slice(0, width - 1)}…` : row;
    const marks = columns.map((column) => {
      const cell = column.cells.get(row);
      if (!cell) return "-".padEnd(9);
      if (cell.status === "pass") passed++;
      if (cell.status === "fail") failed++;
      if (cell.status === "gap") gaps++;
      if (cell.status !== "pass") {
        const observed = cell.observed ? `\n      observed: ${cell.observed}` : "";
        notes.push(
          `  [${column.runtime}] ${MARK[cell.status]} ${row}\n      ${cell.detail ?? ""}${observed}`,
        );
      }
      return MARK[cell.status].padEnd(9);
    });
    lines.push(`${label.padEnd(width)}  ${marks.join(" ")}`);
  }
  if (notes.length > 0) lines.push("", "Failures and known gaps:", ...notes);
  lines.push("", "Totals per runtime:");
  for (const column of columns) {
    const count = (status: Cell["status"]) =>
      [...column.cells.values()].filter((c) => c.status === status).length;
    lines.push(
      `  ${column.runtime.padEnd(8)} ${count("pass")} passed, ${count("fail")} failed, ${count("gap")} gaps  (${column.version}, ${Math.round(column.ms / 1000)} s)`,
    );
  }
  return { text: lines.join("\n"), passed, failed, gaps };
}

const START = "<!-- drivers-matrix:start -->";
const END = "<!-- drivers-matrix:end -->";
const ICON = { pass: "✅", fail: "❌", gap: "➖" } as const;

/** Writes the matrix as a Markdown table between the README's drivers-matrix markers. */
export function updateReadme(readmePath: string, columns: readonly RuntimeColumn[]): void {
  const rows = rowNames(columns);
  const notes: string[] = [];
  const header = `| | ${columns.map((c) => `${c.runtime}<br>${c.version}`).join(" | ")} |`;
  const rule = `| --- | ${columns.map(() => ":---:").join(" | ")} |`;
  const body = rows.map((row) => {
    const marks = columns.map((column) => {
      const cell = column.cells.get(row);
      if (!cell) return "";
      if (cell.status !== "gap") return ICON[cell.status];
      let index = notes.indexOf(cell.detail ?? "");
      if (index === -1) index = notes.push(cell.detail ?? "") - 1;
      return `${ICON.gap}<sup>${index + 1}</sup>`;
    });
    return `| ${row} | ${marks.join(" | ")} |`;
  });
  const date = new Date().toISOString().slice(0, 10);
  const section = [
    START,
    `Run on ${date} from packed tarballs against PostgreSQL on loopback (\`pnpm --filter @sockets/drivers drivers --readme\`).`,
    "",
    "✅ passes · ➖ known gap (a platform limit; see the note) · ❌ fails.",
    "",
    header,
    rule,
    ...body,
    "",
    ...notes.map((note, i) => `${i + 1}. ${note}`),
    END,
  ].join("\n");
  const readme = readFileSync(readmePath, "utf8");
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start === -1 || end === -1) throw new Error(`README has no ${START} … ${END} section`);
  const updated = `${readme.slice(0, start)}${section}${readme.slice(end + END.length)}`;
  // Formatted by the repository's Biome, so `biome check .` passes on what is written.
  writeFileSync(readmePath, formatMarkdownWithBiome(updated, dirname(readmePath), "README.md"));
}
