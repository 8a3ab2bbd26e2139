/**
 * The cross-runtime conformance matrix: `pnpm --filter @sockets/conformance conformance`.
 *
 * Builds and packs the published packages, installs the tarballs into a
 * scratch project outside the monorepo (offline), and runs the suite there on
 * Node, Deno, Bun and workerd, each with its own module resolution, plus
 * workerd's native `cloudflare:sockets` as the reference. Prints a behaviour ×
 * runtime matrix with the reason of every failure and gap, writes
 * results/latest.json and results/RUNTIME-SUPPORT.md, and exits non-zero on a
 * failure or on a gap that now passes.
 *
 * Options:
 *   --runtimes=node,workerd  run only these
 *   (a runtime that cannot run is a failure, in a full run as in a partial one)
 *   --grep=TEXT              only cases whose name contains TEXT
 *   (with either, the run is partial and results/ is not written)
 *   --no-build               pack the packages' dist as they are
 *   --keep                   keep the scratch project and print where it is
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { bunBinary, denoBinary, workerdBinary, workerdVersion } from "../binaries.js";
import { RUNTIMES, type RuntimeName } from "../entries.js";
import type { RunConfig } from "../runner/protocol.js";
import { runSubprocess } from "../runner/subprocess.js";
import { createTestPki, startServers } from "../servers/index.js";
import { cases } from "../suite/index.js";
import { formatMarkdownWithBiome } from "./biome.js";
import { exitAfterOutput } from "./exit.js";
import { loadGaps } from "./gaps.js";
import {
  type Cell,
  emptyTotals,
  failuresOf,
  formatMarkdown,
  formatTerminal,
  type MatrixResults,
  type RuntimeReport,
} from "./report.js";
import { prepareRuntime } from "./runtimes.js";
import {
  BACKEND_OF,
  buildPackages,
  createScratchProject,
  missingFiles,
  PACKAGES,
} from "./scratch.js";

const appDir = fileURLToPath(new URL("../..", import.meta.url));
const repoRoot = join(appDir, "..", "..");
const resultsDir = join(appDir, "results");

interface Args {
  runtimes: RuntimeName[];
  explicit: boolean;
  grep?: string;
  build: boolean;
  keep: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { runtimes: [...RUNTIMES], explicit: false, build: true, keep: false };
  for (const arg of argv) {
    if (arg === "--no-build") args.build = false;
    else if (arg === "--keep") args.keep = true;
    else if (arg.startsWith("--grep=")) args.grep = arg.slice("--grep=".length);
    else if (arg.startsWith("--runtimes=")) {
      const names = arg.slice("--runtimes=".length).split(",").filter(Boolean);
      for (const name of names) {
        if (!RUNTIMES.includes(name as RuntimeName)) {
          throw new Error(`unknown runtime "${name}": choose from ${RUNTIMES.join(", ")}`);
        }
      }
      args.runtimes = RUNTIMES.filter((r) => names.includes(r));
      args.explicit = true;
    } else if (arg !== "--") throw new Error(`unknown argument "${arg}"`);
  }
  return args;
}

function versionOf(command: string, args: string[]): string | null {
  const result = spawnSync(command, args, { encoding: "utf8", timeout: 30_000 });
  return result.status === 0 ? result.stdout.trim().split("\n")[0]?.trim() || null : null;
}

/** The runtime's name and version, or why it cannot run. */
function probeRuntime(runtime: RuntimeName): { label: string } | { missing: string } {
  try {
    switch (runtime) {
      case "node":
        return { label: `Node.js ${process.version.slice(1)}` };
      case "deno": {
        const v = versionOf(denoBinary(), ["--version"]);
        return v
          ? { label: v.replace(/^deno /, "Deno ").replace(/ \(.*$/, "") }
          : { missing: "deno --version failed" };
      }
      case "bun": {
        const v = versionOf(bunBinary(), ["--version"]);
        return v ? { label: `Bun ${v}` } : { missing: "bun --version failed" };
      }
      case "workerd":
      case "workerd-native": {
        const v = versionOf(workerdBinary(), ["--version"]);
        return v
          ? { label: `workerd ${workerdVersion()}` }
          : { missing: "workerd --version failed" };
      }
    }
  } catch (error) {
    return { missing: error instanceof Error ? error.message : String(error) };
  }
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const started = Date.now();

  if (args.build) {
    console.log(`building ${PACKAGES.map((p) => `@sockets/${p}`).join(", ")} (turbo)...`);
    const build = buildPackages(repoRoot);
    // Packing what an earlier build left would test stale code: stop instead.
    if (!build.ok) throw new Error(`the build failed:\n${build.output.trim()}`);
  }

  const scratch = mkdtempSync(join(tmpdir(), "sockets-conformance-"));
  let exitCode = 1;
  try {
    console.log(`packing and installing into ${scratch} (npm install --offline)...`);
    const project = createScratchProject(repoRoot, scratch);
    if (project.unbuilt.includes("core") || project.unbuilt.includes("connect")) {
      throw new Error(
        `@sockets/${project.unbuilt.includes("core") ? "core" : "connect"} has no dist: build it first (pnpm build)`,
      );
    }

    const servers = await startServers(await createTestPki());
    const reports: RuntimeReport[] = [];
    const cells = new Map<string, Partial<Record<RuntimeName, Cell>>>(
      cases.map((c) => [c.name, {}]),
    );
    const selected = cases.filter((c) => !args.grep || c.name.includes(args.grep));
    try {
      for (const runtime of args.runtimes) {
        const { gaps, file: gapFile } = await loadGaps(runtime);
        const report: RuntimeReport = {
          runtime,
          label: runtime,
          ran: false,
          problems: [],
          gapFile,
          durationMs: 0,
          totals: emptyTotals(),
        };
        reports.push(report);
        const probe = probeRuntime(runtime);
        const backend = BACKEND_OF[runtime];
        if ("missing" in probe) report.notRunReason = probe.missing;
        else {
          report.label = probe.label;
          if (backend && project.unbuilt.includes(backend)) {
            report.notRunReason = `@sockets/${backend} is not built (missing: ${missingFiles(join(repoRoot, "packages", backend)).join(", ")})`;
          }
        }
        if (report.notRunReason) {
          console.log(`${runtime}: not run: ${report.notRunReason}`);
          for (const c of selected) (cells.get(c.name) ?? {})[runtime] = { status: "not-run" };
          continue;
        }

        process.stdout.write(`${runtime}: running the suite (${report.label})... `);
        const runStarted = Date.now();
        const config: RunConfig = {
          ports: servers.ports,
          ca: servers.pki.ca.cert,
          clientCert: servers.pki.client,
          serverKeypair: servers.pki.server,
          gaps,
          ...(args.grep ? { grep: args.grep } : {}),
        };
        let outcome: Awaited<ReturnType<typeof runSubprocess>>;
        try {
          const prepared = prepareRuntime(runtime, scratch, servers.pki.ca.cert);
          if (prepared.problem) report.problems.push(prepared.problem);
          outcome = await runSubprocess(prepared.run, config);
        } catch (error) {
          outcome = {
            results: [],
            completed: false,
            reported: null,
            exitCode: null,
            log: error instanceof Error ? (error.stack ?? error.message) : String(error),
          };
        }
        report.ran = true;
        report.durationMs = Date.now() - runStarted;
        if (!outcome.completed) report.problems.push("the run did not finish (no @@done line)");
        if (outcome.exitCode !== 0) report.problems.push(`exited with code ${outcome.exitCode}`);
        if (report.problems.length > 0)
          report.logTail = outcome.log.split("\n").slice(-40).join("\n");

        for (const testCase of selected) {
          const result = outcome.results.find((r) => r.name === testCase.name);
          const gap = gaps[testCase.name];
          const listed = gap ? { reason: gap.reason, category: gap.category } : {};
          const cell: Cell = result
            ? { status: result.status, detail: result.detail, ms: result.ms, ...listed }
            : { status: "missing", detail: "no result: the run ended before this case", ...listed };
          (cells.get(testCase.name) ?? {})[runtime] = cell;
          const t = report.totals;
          if (cell.status === "pass") t.pass++;
          else if (cell.status === "fail") t.fail++;
          else if (cell.status === "gap") t.gap++;
          else if (cell.status === "gap-passed") t.gapPassed++;
          else if (cell.status === "missing") t.missing++;
        }
        for (const name of Object.keys(gaps)) {
          if (!cells.has(name))
            report.problems.push(`${gapFile} names a case that does not exist: "${name}"`);
        }
        const t = report.totals;
        console.log(
          `${t.pass} passed, ${failuresOf(t)} failed, ${t.gap} gaps (${(report.durationMs / 1000).toFixed(0)} s)`,
        );
        if (report.problems.length > 0) {
          console.log(
            `  ${report.problems.join("; ")}\n  last output:\n${indent(report.logTail ?? "")}`,
          );
        }
      }
    } finally {
      await servers.close();
    }

    const results: MatrixResults = {
      generatedAt: new Date().toISOString(),
      runtimes: reports,
      cases: selected.map((c) => ({ name: c.name, cells: cells.get(c.name) ?? {} })),
      totals: {
        passed: reports.reduce((n, r) => n + r.totals.pass, 0),
        // A runtime that could not run is one failure: a full run must cover every runtime.
        failed:
          reports.reduce((n, r) => n + failuresOf(r.totals), 0) +
          reports.filter((r) => !r.ran).length,
        gaps: reports.reduce((n, r) => n + r.totals.gap, 0),
        notRun: reports.filter((r) => !r.ran).map((r) => r.runtime),
      },
    };

    const runtimeProblems = reports.some((r) => r.problems.length > 0);
    exitCode = results.totals.failed > 0 || runtimeProblems ? 1 : 0;

    // Only a full run is a record of runtime support.
    const partial = args.grep !== undefined || args.explicit;
    if (!partial) {
      mkdirSync(resultsDir, { recursive: true });
      writeFileSync(join(resultsDir, "latest.json"), `${JSON.stringify(results, null, 2)}\n`);
      writeFileSync(
        join(resultsDir, "RUNTIME-SUPPORT.md"),
        formatMarkdownWithBiome(
          formatMarkdown(results, { heading: true }),
          repoRoot,
          "apps/conformance/results/RUNTIME-SUPPORT.md",
        ),
      );
    }
    if (args.keep) console.log(`(scratch project kept: ${scratch})`);
    const seconds = ((Date.now() - started) / 1000).toFixed(0);
    console.log(
      partial
        ? `(partial run: results/ not written; ${seconds} s)`
        : `(written: results/latest.json, results/RUNTIME-SUPPORT.md; ${seconds} s)`,
    );
    console.log("");
    // Its last line is "N passed, N failed".
    for (const line of formatTerminal(results)) console.log(line);
  } finally {
    if (!args.keep) rmSync(scratch, { recursive: true, force: true });
  }
  return exitCode;
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n");
}

main().then(
  (code) => exitAfterOutput(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    console.log("0 passed, 1 failed");
    exitAfterOutput(1);
  },
);
