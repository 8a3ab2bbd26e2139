/**
 * The server rows: connections accepted per second and echo throughput of a
 * server written with `serve()` (@sockets/connect) against the same server on
 * each runtime's native listener (node:net, Deno.listen, Bun.listen). The
 * method is the client rows': one fresh server process per measurement, the
 * candidates of one workload interleaved, the median of the repetitions, the
 * ratio ours ÷ native against the issue's target. The load comes from the C
 * client in src/server/loadserver.c, so the client is never what is measured.
 *
 *   pnpm --filter @sockets/bench bench:serve [--quick]
 *
 * A full run writes SERVER-RESULTS.md; --quick (the CI smoke) writes
 * .tmp/SERVER-RESULTS.quick.md and only has to complete.
 * workerd has no row: its listeners come from the config, so there is no
 * serve() of ours to compare (README, Servers).
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { build } from "esbuild";
import { BENCH_DIR, BUILD_DIR } from "../orchestrate/build.js";
import { discoverRuntimes, type RuntimeDef } from "../orchestrate/runtimes.js";
import { buildCServer } from "../orchestrate/server.js";

type Workload = "accept" | "echo";
type Candidate = "native" | "ours";

const quick = process.argv.includes("--quick");
const reps = quick ? 1 : 5;
const SCALE: Record<Workload, number> = quick
  ? { accept: 300, echo: 16 * 1024 * 1024 }
  : { accept: 5000, echo: 512 * 1024 * 1024 };
const WORKLOADS: readonly { id: Workload; label: string; unit: string; target: number }[] = [
  {
    id: "accept",
    label: "accepted connections (connect → greeting → close)",
    unit: "conn/s",
    target: 0.9,
  },
  { id: "echo", label: "echo throughput, one connection", unit: "MB/s", target: 0.95 },
];
const NATIVE: Record<string, string> = {
  node20: "node:net createServer",
  deno: "Deno.listen, conn.read / conn.write",
  bun: "Bun.listen socket handlers",
};
/** Bounds for one measurement and for a server to start, generous for a loaded 2-core machine. */
const MEASURE_TIMEOUT_MS = 180_000;
const START_TIMEOUT_MS = 60_000;

async function buildEntry(): Promise<string> {
  const outfile = join(BUILD_DIR, "serve-bench-entry.js");
  await build({
    entryPoints: [join(BENCH_DIR, "src", "serve-bench", "entry.ts")],
    outfile,
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    external: ["@sockets/*", "node:*"],
    logLevel: "warning",
  });
  return outfile;
}

/** The runtime's command with the server entry in place of its trial script. */
function command(
  runtime: RuntimeDef,
  entry: string,
  candidate: Candidate,
  workload: Workload,
): string[] {
  const args = runtime.args.map((a) => (a.includes(`${"trial-"}`) ? entry : a));
  return [
    runtime.command,
    ...args.filter((a) => a !== "--expose-gc" && !a.startsWith("--v8-flags")),
    candidate,
    workload,
  ];
}

function startServer(argv: string[]): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const [cmd, ...args] = argv as [string, ...string[]];
    const child = spawn(cmd, args, { cwd: BENCH_DIR, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`server did not start in ${START_TIMEOUT_MS / 1000} s: ${err}`));
    }, START_TIMEOUT_MS);
    child.stderr?.on("data", (chunk: Buffer) => (err += chunk.toString()));
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /@@serve (\{.*\})/.exec(out);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({ child, port: (JSON.parse(match[1]) as { port: number }).port });
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before listening: ${err.slice(-500)}`));
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

async function measure(
  runtime: RuntimeDef,
  entry: string,
  client: string,
  candidate: Candidate,
  workload: Workload,
): Promise<number> {
  const { child, port } = await startServer(command(runtime, entry, candidate, workload));
  try {
    const result = spawnSync(client, [workload, String(port), String(SCALE[workload])], {
      encoding: "utf8",
      timeout: MEASURE_TIMEOUT_MS,
    });
    const value = Number(result.stdout.trim());
    if (result.status !== 0 || !Number.isFinite(value)) {
      throw new Error(`the ${workload} client failed (${result.status}): ${result.stderr.trim()}`);
    }
    return value;
  } finally {
    await stop(child);
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const started = new Date();
mkdirSync(BUILD_DIR, { recursive: true });
const c = buildCServer();
if (!("binary" in c)) {
  console.error(`serve-bench needs the C load client: ${c.reason}`);
  process.exit(1);
}
const entry = await buildEntry();
const runtimes = discoverRuntimes().filter((r) => r.id in NATIVE && r.missing === undefined);
const rows: string[] = [];
let failures = 0;
for (const runtime of runtimes) {
  for (const workload of WORKLOADS) {
    const samples: Record<Candidate, number[]> = { native: [], ours: [] };
    let problem = "";
    for (let rep = 0; rep < reps && problem === ""; rep++) {
      // Interleaved, and the order flips each repetition: drift hits both.
      const order: Candidate[] = rep % 2 === 0 ? ["native", "ours"] : ["ours", "native"];
      for (const candidate of order) {
        try {
          samples[candidate].push(await measure(runtime, entry, c.binary, candidate, workload.id));
        } catch (error) {
          problem = `${candidate}: ${(error as Error).message}`;
          break;
        }
      }
    }
    if (problem !== "") {
      failures++;
      console.log(`${runtime.id} ${workload.id}: FAILED ${problem}`);
      rows.push(
        `| ${runtime.label} | ${workload.label} | – | – | – | failed: ${problem.replaceAll("|", "/")} |`,
      );
      continue;
    }
    const native = median(samples.native);
    const ours = median(samples.ours);
    const ratio = ours / native;
    const verdict = ratio >= workload.target ? "meets" : "below";
    console.log(
      `${runtime.id} ${workload.id}: native ${native.toFixed(1)} ${workload.unit}, ours ${ours.toFixed(1)} ${workload.unit}, ${ratio.toFixed(2)}× (target ${workload.target}×)`,
    );
    rows.push(
      `| ${runtime.label} | ${workload.label} | ${native.toFixed(1)} ${workload.unit} | ${ours.toFixed(1)} ${workload.unit} | ${ratio.toFixed(2)}× | ≥ ${workload.target}× ${verdict} |`,
    );
  }
}
const out = quick
  ? join(BENCH_DIR, ".tmp", "SERVER-RESULTS.quick.md")
  : join(BENCH_DIR, "SERVER-RESULTS.md");
mkdirSync(join(BENCH_DIR, ".tmp"), { recursive: true });
writeFileSync(
  out,
  `# Server benchmark results

Generated by \`pnpm --filter @sockets/bench bench:serve${quick ? " --quick" : ""}\` (${quick ? "**--quick smoke run: sizes scaled down, numbers not meaningful**" : "full run"}) on ${started.toISOString()}: median of ${reps} repetition(s), one fresh server process per measurement, candidates interleaved. Load: the C client in src/server/loadserver.c (${SCALE.accept} sequential connections; ${SCALE.echo / 1024 / 1024} MiB echoed over one connection).

| runtime | workload | native listener | serve() | ours ÷ native | target |
| --- | --- | ---: | ---: | ---: | --- |
${rows.join("\n")}

Native listeners: ${Object.entries(NATIVE)
    .map(([id, label]) => `${id}: ${label}`)
    .join(
      "; ",
    )}. workerd has no row: its listeners come from its config, so no serve() of ours runs there.
`,
);
console.log(
  `wrote ${relative(process.cwd(), out)} in ${Math.round((Date.now() - started.getTime()) / 1000)} s`,
);
process.exit(failures > 0 ? 1 : 0);
