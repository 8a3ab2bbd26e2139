import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  emptyTotals,
  formatMarkdown,
  formatTerminal,
  type MatrixResults,
} from "../src/matrix/report.js";
import { missingFiles } from "../src/matrix/scratch.js";
import { END, replaceSection, START, withoutDate } from "../src/matrix/update-readme.js";

const results: MatrixResults = {
  generatedAt: "2026-11-22T00:00:00.000Z",
  runtimes: [
    {
      runtime: "node",
      label: "Node.js 20",
      ran: true,
      problems: [],
      gapFile: "src/gaps/node.ts",
      durationMs: 1000,
      totals: { ...emptyTotals(), pass: 1, fail: 1 },
    },
    {
      runtime: "workerd",
      label: "workerd 1",
      ran: true,
      problems: [],
      gapFile: "src/gaps/workerd.ts",
      durationMs: 1000,
      totals: { ...emptyTotals(), pass: 1, gap: 1 },
    },
    {
      runtime: "deno",
      label: "deno",
      ran: false,
      notRunReason: "@sockets/deno is not built",
      problems: [],
      gapFile: null,
      durationMs: 0,
      totals: emptyTotals(),
    },
  ],
  cases: [
    { name: "a: works", cells: { node: { status: "pass" }, workerd: { status: "pass" } } },
    {
      name: "b: a | pipe",
      cells: {
        node: { status: "fail", detail: "AssertionError: broke" },
        workerd: {
          status: "gap",
          reason: "no such thing on workerd",
          category: "platform limit",
          detail: "x",
        },
      },
    },
  ],
  totals: { passed: 2, failed: 1, gaps: 1, notRun: ["deno"] },
};

describe("the matrix report", () => {
  it("ends with the totals line, after the gaps line, and gives every reason", () => {
    const lines = formatTerminal(results);
    expect(lines.at(-1)).toBe("2 passed, 1 failed");
    expect(lines.at(-2)).toBe("1 known gaps (neither passed nor failed); not run: deno");
    const text = lines.join("\n");
    expect(text).toContain("AssertionError: broke");
    expect(text).toContain("platform limit: no such thing on workerd");
    expect(text).toContain("deno: not run: @sockets/deno is not built");
  });

  it("renders Markdown with escaped cells and one note per distinct reason", () => {
    const md = formatMarkdown(results, { heading: true });
    expect(md.startsWith("# Runtime support\n")).toBe(true);
    expect(md).toContain("| b: a \\| pipe | ❌<sup>1</sup> | ➖<sup>2</sup> |");
    expect(md).toContain("2. **workerd**: *platform limit*: no such thing on workerd");
    expect(md).toContain("| ↳ *platform limit* | 0 | 1 |");
    expect(md).not.toContain("*our trade-off* |");
    expect(md).toContain("- deno: @sockets/deno is not built");
    expect(formatMarkdown(results, { heading: false })).not.toContain("# Runtime support");
  });
});

describe("the README section", () => {
  it("replaces only what lies between the markers", () => {
    const readme = `intro\n${START}\nold\n${END}\noutro\n`;
    expect(replaceSection(readme, "new table\n")).toBe(
      `intro\n${START}\nnew table\n${END}\noutro\n`,
    );
  });

  it("compares tables without their run date, and nothing else", () => {
    const table = formatMarkdown(results, { heading: false });
    const rerun = formatMarkdown(
      { ...results, generatedAt: "2026-12-24T00:00:00.000Z" },
      {
        heading: false,
      },
    );
    expect(rerun).not.toBe(table);
    expect(withoutDate(rerun)).toBe(withoutDate(table));
    const changed = formatMarkdown(
      { ...results, cases: results.cases.slice(0, 1) },
      { heading: false },
    );
    expect(withoutDate(changed)).not.toBe(withoutDate(table));
  });

  it("refuses a README without the markers", () => {
    expect(() => replaceSection("no markers", "x")).toThrow(/markers/);
  });
});

describe("a package that is not built", () => {
  const dir = mkdtempSync(join(tmpdir(), "sockets-missing-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("is found by the files its exports point at", () => {
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({
        exports: { ".": { types: "./dist/index.d.ts", default: "./dist/index.js" } },
      }),
    );
    expect(missingFiles(dir)).toEqual(["./dist/index.d.ts", "./dist/index.js"]);
    mkdirSync(join(dir, "dist"));
    writeFileSync(join(dir, "dist/index.js"), "");
    writeFileSync(join(dir, "dist/index.d.ts"), "");
    expect(missingFiles(dir)).toEqual([]);
  });
});
