/**
 * The driver matrix: `pnpm --filter @sockets/drivers drivers`.
 *
 * Starts a throwaway PostgreSQL on loopback (SSL on, certificate from a CA
 * made for this run; Debian's postgresql is installed first when absent),
 * packs our packages into a scratch project as a user installs them, bundles
 * the unmodified drivers for each runtime, and runs every driver case on
 * Node, Deno, Bun and workerd in parallel. Prints a case × runtime matrix and
 * ends with `N passed, N failed`; exits non-zero on any failure.
 *
 * Options:
 *   --runtimes=node,deno  run only these
 *   --grep=TEXT           only cases whose name contains TEXT
 *   --no-build            pack the packages' dist as they are
 *   --keep                keep the scratch project and print where it is
 *   --readme              write the matrix into the repository README
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { exitAfterOutput } from "@sockets/conformance/exit";
import { buildPackages, createScratchProject } from "@sockets/conformance/scratch";
import { createTestPki } from "@sockets/conformance/servers";
import { runSubprocess } from "@sockets/conformance/workerd";
import { bundleFor } from "./bundle.js";
import { DRIVERS } from "./cases/index.js";
import { CLEAN_EXIT } from "./cases/names.js";
import { GAPS } from "./gaps.js";
import { ensurePostgresBin } from "./postgres/binaries.js";
import { type Cluster, startCluster } from "./postgres/cluster.js";
import { refusedPort, type SslServer, startSslServer } from "./postgres/ssl-refusing-server.js";
import { type Cell, formatMatrix, type RuntimeColumn, updateReadme } from "./report.js";
import { DRIVER_RUNTIMES, type DriverRuntime, SETUPS } from "./runtimes/index.js";
import { LINGER_EXIT_CODE } from "./runtimes/protocol.js";
import { startWatchdog } from "./watchdog.js";

const appDir = fileURLToPath(new URL("..", import.meta.url));
const repoRoot = join(appDir, "..", "..");
const RUN_TIMEOUT_MS = 10 * 60_000;
const USER = "sockets";
const PASSWORD = "sockets-drivers-test";

const argv = process.argv.slice(2);
const option = (name: string) =>
  argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const runtimes = (option("runtimes")?.split(",") ?? DRIVER_RUNTIMES) as DriverRuntime[];
for (const runtime of runtimes) {
  if (!DRIVER_RUNTIMES.includes(runtime))
    throw new Error(`unknown runtime "${runtime}": choose from ${DRIVER_RUNTIMES.join(", ")}`);
}
const grep = option("grep");
const log = (line: string) => console.error(`[drivers] ${line}`);

// Everything started is stopped at the end, on failure, and on SIGINT/SIGTERM.
const cleanups: (() => void | Promise<void>)[] = [];
async function cleanUp(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) {
    try {
      await cleanup();
    } catch (error) {
      log(`cleanup failed: ${(error as Error).message}`);
    }
  }
}
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping PostgreSQL and cleaning up`);
    void cleanUp().finally(() => process.exit(130));
  });
}

async function main(): Promise<number> {
  const started = Date.now();
  const pki = await createTestPki();
  const bin = ensurePostgresBin(log);
  const cluster: Cluster = await startCluster({
    bin,
    cert: pki.server.cert,
    key: pki.server.key,
    user: USER,
    password: PASSWORD,
  });
  cleanups.push(() => cluster.stop());
  log(`PostgreSQL (${bin}) on 127.0.0.1:${cluster.port} after ${Date.now() - started} ms`);

  if (!argv.includes("--no-build")) {
    const built = buildPackages(repoRoot);
    if (!built.ok) throw new Error(`building the packages failed:\n${built.output}`);
  }
  const scratch = mkdtempSync(join(tmpdir(), "sockets-drivers-"));
  if (argv.includes("--keep")) log(`scratch project kept at ${scratch}`);
  else {
    const watchdog = startWatchdog(["true"], scratch);
    cleanups.push(() => {
      rmSync(scratch, { recursive: true, force: true });
      watchdog.stop();
    });
  }
  createScratchProject(repoRoot, scratch);
  writeFileSync(join(scratch, "ca.pem"), pki.ca.cert);
  log(`scratch project ready after ${Date.now() - started} ms`);

  const columns = await Promise.all(
    runtimes.map(async (runtime): Promise<RuntimeColumn> => {
      const setup = SETUPS[runtime];
      const wrongName = await startSslServer(pki.wrongName.cert, pki.wrongName.key);
      const untrusted = await startSslServer(pki.untrusted.cert, pki.untrusted.key);
      const servers: SslServer[] = [wrongName, untrusted];
      cleanups.push(() => Promise.all(servers.map((s) => s.close())).then(() => {}));
      const t0 = Date.now();
      const bundle = await bundleFor(runtime, setup, scratch);
      const outcome = await runSubprocess(setup.run(scratch, bundle, pki.ca.cert, RUN_TIMEOUT_MS), {
        host: cluster.host,
        port: cluster.port,
        user: USER,
        password: PASSWORD,
        database: "postgres",
        refusedPort: await refusedPort(),
        wrongNamePort: wrongName.port,
        untrustedPort: untrusted.port,
        ...(grep ? { grep } : {}),
      });
      const gaps = GAPS[runtime];
      const cells = new Map<string, Cell>();
      for (const result of outcome.results) {
        const gap = gaps[result.name];
        const detail = result.detail ?? "failed";
        if (result.status === "pass") {
          cells.set(
            result.name,
            gap
              ? { status: "fail", detail: `listed as a gap but passes: ${gap.reason}` }
              : { status: "pass" },
          );
        } else if (gap?.failsWith.test(detail)) {
          cells.set(result.name, { status: "gap", detail: gap.reason, observed: detail });
        } else {
          const unexpected = gap ? ` (the gap expects a failure matching ${gap.failsWith})` : "";
          cells.set(result.name, { status: "fail", detail: `${detail}${unexpected}` });
        }
      }
      // No query may leave after a rejected certificate, gap or not.
      for (const [server, title] of [
        [wrongName, "a certificate for another hostname"],
        [untrusted, "a certificate from an untrusted CA"],
      ] as const) {
        const seen = server.violations();
        if (seen.length === 0) continue;
        for (const [name, cell] of cells) {
          if (name.includes(title))
            cells.set(name, {
              status: "fail",
              detail: `${cell.detail ?? ""} server saw: ${seen.join("; ")}`.trim(),
            });
        }
      }
      for (const driver of Object.keys(DRIVERS)) {
        for (const name of expectedNames(driver)) {
          if (!cells.has(name))
            cells.set(name, {
              status: "fail",
              detail: `no result (the run ended early)\n${outcome.log.slice(-2000)}`,
            });
        }
      }
      const cleanExit = outcome.completed && outcome.exitCode === 0;
      cells.set(
        CLEAN_EXIT,
        cleanExit
          ? { status: "pass" }
          : {
              status: "fail",
              detail:
                outcome.exitCode === LINGER_EXIT_CODE
                  ? "open handles kept the process running after the last case"
                  : `exit code ${outcome.exitCode}${outcome.completed ? "" : " before the cases completed"}\n${outcome.log.slice(-2000)}`,
            },
      );
      log(`${runtime}: done in ${Date.now() - t0} ms`);
      return { runtime, version: setup.version(), cells, ms: Date.now() - t0 };
    }),
  );

  const { text, passed, failed, gaps } = formatMatrix(columns);
  console.log(text);
  if (argv.includes("--readme") && !grep) updateReadme(join(repoRoot, "README.md"), columns);
  log(`whole run ${Date.now() - started} ms`);
  console.log(`${gaps} known gaps (each failed exactly as its gap list says)`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

function expectedNames(driver: string): string[] {
  const cases = DRIVERS[driver] ?? {};
  return Object.keys(cases)
    .map((title) => `${driver}: ${title}`)
    .filter((name) => !grep || name.includes(grep));
}

let code = 1;
try {
  code = await main();
} catch (error) {
  console.error(error);
  console.log("0 passed, 1 failed");
} finally {
  await cleanUp();
}
exitAfterOutput(code);
