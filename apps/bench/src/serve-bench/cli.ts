/**
 * The server rows: connections accepted per second and echo throughput of a
 * server written with `serve()` (@sockets/connect) against the same server on
 * each runtime's native listener (node:net, Deno.listen, Bun.listen). The
 * method is the client rows': one fresh server process per measurement, the
 * candidates of one workload interleaved (the order flips each repetition),
 * the median of the repetitions, the ratio ours ÷ native against the issue's
 * target. The load comes from the C client in src/server/loadserver.c, so the
 * client is never what is measured.
 *
 *   pnpm --filter @sockets/bench bench:serve [--quick] [--reps=N]
 *     [--runtimes=node20,deno,bun] [--workloads=accept,echo]
 *
 * Each server process is first warmed up (JIT, buffers) by as much load as it
 * is then measured with (a short one in --quick), and its own CPU time (user +
 * system, /proc/<pid>/stat) over the measured load is recorded: CPU per
 * connection or per MiB holds on a loaded machine where conn/s and MB/s swing.
 * Where it tells ours from the interface, a row also runs **bare**: the
 * native listener with the least a web-streams server does (accept: the
 * greeting through a WritableStream's writer; echo: a byte stream piped to a
 * WritableStream; entry.ts).
 *
 * A full run writes its section of RESULTS.md (between the server-section.ts
 * markers; the client bench keeps it) and the raw samples in
 * RESULTS.server-samples.json. --quick (the CI smoke) writes
 * .tmp/SERVER-RESULTS.quick.md and fails on any error.
 * workerd has no row: its listeners come from the config, so there is no
 * serve() of ours to compare (README, Servers).
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";
import { build } from "esbuild";
import { BENCH_DIR, BUILD_DIR } from "../orchestrate/build.js";
import { describeMachine } from "../orchestrate/machine.js";
import { discoverRuntimes, type RuntimeDef } from "../orchestrate/runtimes.js";
import { buildCServer } from "../orchestrate/server.js";
import {
  SERVER_SECTION_END,
  SERVER_SECTION_START,
  withServerSection,
} from "../orchestrate/server-section.js";

type Workload = "accept" | "echo";
type Candidate = "native" | "ours" | "bare";

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    reps: { type: "string" },
    runtimes: { type: "string" },
    workloads: { type: "string" },
  },
});
const quick = args.quick === true;
const reps = args.reps !== undefined ? Math.max(1, Number(args.reps)) : quick ? 1 : 7;
const SCALE: Record<Workload, number> = quick
  ? { accept: 300, echo: 16 * 1024 * 1024 }
  : { accept: 5000, echo: 512 * 1024 * 1024 };
/**
 * The load each fresh server gets before the measured one: JIT, buffers and
 * lazy paths warm. A full run warms up until the JIT is done: after 500
 * connections a Node server's next 5,000 still cost about twice what later
 * ones do, for every candidate, and a Bun server of ours compiles until about
 * 15,000 (the compiler threads count in the process's CPU; apps/bench
 * FINDINGS.md entries 61 and 65), so the row measured mostly how soon each
 * candidate's code compiles. Echo warms up with as many bytes as it measures.
 */
const WARMUP: Record<Workload, number> = quick
  ? { accept: 50, echo: 2 * 1024 * 1024 }
  : { accept: 4 * SCALE.accept, echo: SCALE.echo };
interface WorkloadDef {
  readonly id: Workload;
  readonly label: string;
  readonly unit: string;
  readonly target: number;
  /** What the server's CPU time is divided by. */
  readonly per: string;
  readonly ops: (scale: number) => number;
}
const WORKLOADS: readonly WorkloadDef[] = [
  {
    id: "accept",
    label: "accepted connections (connect → greeting → close)",
    unit: "conn/s",
    target: 0.9,
    per: "connection",
    ops: (n) => n,
  },
  {
    id: "echo",
    label: "echo throughput, one connection",
    unit: "MB/s",
    target: 0.95,
    per: "MiB",
    ops: (bytes) => bytes / (1024 * 1024),
  },
];
const NATIVE: Record<string, string> = {
  node20: "node:net createServer",
  deno: "Deno.listen, conn.read / conn.write",
  bun: "Bun.listen socket handlers",
};
/** Where the bare web-streams floor runs (entry.ts): where it tells ours from the interface. */
const BARE = new Set([
  "node20:accept",
  "node20:echo",
  "deno:accept",
  "deno:echo",
  "bun:accept",
  "bun:echo",
]);
/** Bounds for one measurement and for a server to start, generous for a loaded 2-core machine. */
const MEASURE_TIMEOUT_MS = 180_000;
const START_TIMEOUT_MS = 60_000;

interface Sample {
  readonly value: number;
  /** The server process's CPU time over the measured load, in ms; null where /proc is not readable. */
  readonly cpuUserMs: number | null;
  readonly cpuSystemMs: number | null;
}

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

const CLOCK_TICKS = (() => {
  const result = spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" });
  const ticks = Number(result.stdout?.trim());
  return Number.isFinite(ticks) && ticks > 0 ? ticks : 100;
})();

/** User and system CPU time of a process (all its threads) in ms, from /proc/<pid>/stat; null off Linux. */
function cpuTimes(pid: number | undefined): { user: number; system: number } | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ms = (ticks: string | undefined) => (Number(ticks) * 1000) / CLOCK_TICKS;
    return { user: ms(fields[11]), system: ms(fields[12]) };
  } catch {
    return null;
  }
}

function runClient(client: string, workload: Workload, port: number, amount: number): number {
  const result = spawnSync(client, [workload, String(port), String(amount)], {
    encoding: "utf8",
    timeout: MEASURE_TIMEOUT_MS,
  });
  const value = Number(result.stdout?.trim());
  if (result.status !== 0 || !Number.isFinite(value)) {
    throw new Error(
      `the ${workload} client failed (${result.status ?? result.signal}): ${(result.stderr ?? "").trim()}`,
    );
  }
  return value;
}

async function measure(
  runtime: RuntimeDef,
  entry: string,
  client: string,
  candidate: Candidate,
  workload: Workload,
): Promise<Sample> {
  const { child, port } = await startServer(command(runtime, entry, candidate, workload));
  try {
    runClient(client, workload, port, WARMUP[workload]);
    const before = cpuTimes(child.pid);
    const value = runClient(client, workload, port, SCALE[workload]);
    const after = cpuTimes(child.pid);
    return {
      value,
      cpuUserMs: before && after ? after.user - before.user : null,
      cpuSystemMs: before && after ? after.system - before.system : null,
    };
  } finally {
    await stop(child);
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median server CPU per unit of work, in µs, or null when it could not be read. */
function cpuPer(samples: readonly Sample[], ops: number): number | null {
  const totals = samples.flatMap((s) =>
    s.cpuUserMs === null || s.cpuSystemMs === null ? [] : [s.cpuUserMs + s.cpuSystemMs],
  );
  return totals.length === 0 ? null : (median(totals) * 1000) / ops;
}

function fixed(value: number | null, digits = 1): string {
  return value === null ? "–" : value.toFixed(digits);
}

interface Row {
  readonly runtime: string;
  readonly runtimeLabel: string;
  readonly workload: Workload;
  readonly samples: Partial<Record<Candidate, Sample[]>>;
  readonly problem: string | null;
}

const started = new Date();
mkdirSync(BUILD_DIR, { recursive: true });
const c = buildCServer();
if (!("binary" in c)) {
  console.error(`serve-bench needs the C load client: ${c.reason}`);
  process.exit(1);
}
const entry = await buildEntry();
const only = (list: string | undefined) =>
  list === undefined ? null : new Set(list.split(",").map((s) => s.trim()));
const runtimeFilter = only(args.runtimes);
const workloadFilter = only(args.workloads);
const runtimes = discoverRuntimes().filter(
  (r) => r.id in NATIVE && r.missing === undefined && (runtimeFilter?.has(r.id) ?? true),
);
const workloads = WORKLOADS.filter((w) => workloadFilter?.has(w.id) ?? true);
const rows: Row[] = [];
for (const runtime of runtimes) {
  for (const workload of workloads) {
    const candidates: Candidate[] = ["native", "ours"];
    if (BARE.has(`${runtime.id}:${workload.id}`)) candidates.push("bare");
    const samples: Partial<Record<Candidate, Sample[]>> = {};
    let problem: string | null = null;
    for (let rep = 0; rep < reps && problem === null; rep++) {
      // Interleaved, and the order flips each repetition: drift hits both.
      const order = rep % 2 === 0 ? candidates : [...candidates].reverse();
      for (const candidate of order) {
        try {
          const sample = await measure(runtime, entry, c.binary, candidate, workload.id);
          samples[candidate] = [...(samples[candidate] ?? []), sample];
        } catch (error) {
          problem = `${candidate}: ${(error as Error).message}`;
          break;
        }
      }
    }
    rows.push({
      runtime: runtime.id,
      runtimeLabel: runtime.label,
      workload: workload.id,
      samples,
      problem,
    });
    console.log(
      `${runtime.id} ${workload.id}: ${problem === null ? summary(rows.at(-1)!) : `FAILED ${problem}`}`,
    );
  }
}

function def(id: Workload): WorkloadDef {
  return WORKLOADS.find((w) => w.id === id)!;
}

/** Per repetition ratios ours ÷ native (same repetition, interleaved), lowest and highest. */
function spread(row: Row): [number, number] | null {
  const ours = row.samples.ours ?? [];
  const native = row.samples.native ?? [];
  const ratios = ours
    .map((o, i) => o.value / (native[i]?.value ?? Number.NaN))
    .filter(Number.isFinite);
  return ratios.length === 0 ? null : [Math.min(...ratios), Math.max(...ratios)];
}

function values(row: Row, candidate: Candidate): number[] {
  return (row.samples[candidate] ?? []).map((s) => s.value);
}

function summary(row: Row): string {
  const w = def(row.workload);
  const native = median(values(row, "native"));
  const ours = median(values(row, "ours"));
  const ops = w.ops(SCALE[row.workload]);
  return `native ${native.toFixed(1)} ${w.unit}, ours ${ours.toFixed(1)} ${w.unit}, ${(ours / native).toFixed(2)}× (target ${w.target}×); server CPU µs per ${w.per}: native ${fixed(cpuPer(row.samples.native ?? [], ops))}, ours ${fixed(cpuPer(row.samples.ours ?? [], ops))}`;
}

function tableRow(row: Row): string {
  const w = def(row.workload);
  const label = `| ${row.runtimeLabel} | ${w.label} |`;
  if (row.problem !== null) {
    return `${label} – | – | – | – | failed: ${row.problem.replaceAll("|", "/")} | – | – |`;
  }
  const native = median(values(row, "native"));
  const ours = median(values(row, "ours"));
  const ratio = ours / native;
  const range = spread(row);
  const ops = w.ops(SCALE[row.workload]);
  const cpuNative = cpuPer(row.samples.native ?? [], ops);
  const cpuOurs = cpuPer(row.samples.ours ?? [], ops);
  const cpuRatio =
    cpuNative !== null && cpuOurs !== null ? ` (${(cpuOurs / cpuNative).toFixed(2)}×)` : "";
  const verdict = ratio >= w.target ? "met" : "✗";
  return `${label} ${native.toFixed(1)} ${w.unit} | ${ours.toFixed(1)} ${w.unit} | ${ratio.toFixed(2)}× | ${range === null ? "–" : `${range[0].toFixed(2)}–${range[1].toFixed(2)}×`} | ≥ ${w.target}× ${verdict} | ${fixed(cpuNative)} µs/${w.per} | ${fixed(cpuOurs)} µs/${w.per}${cpuRatio} |`;
}

function floorLines(): string[] {
  return rows
    .filter((row) => row.problem === null && (row.samples.bare?.length ?? 0) > 0)
    .map((row) => {
      const w = def(row.workload);
      const native = median(values(row, "native"));
      const ours = median(values(row, "ours"));
      const bare = median(values(row, "bare"));
      const ops = w.ops(SCALE[row.workload]);
      return `- ${row.runtimeLabel}, ${w.label}: bare web-streams server ${bare.toFixed(1)} ${w.unit} (${(bare / native).toFixed(2)}× native, server CPU ${fixed(cpuPer(row.samples.bare ?? [], ops))} µs per ${w.per}); ours ÷ bare ${(ours / bare).toFixed(2)}.`;
    });
}

const failures = rows.filter((r) => r.problem !== null).length;
const durationS = Math.round((Date.now() - started.getTime()) / 1000);
const machine = describeMachine(runtimes, started, "the C client of src/server/loadserver.c");
const invocation = `pnpm --filter @sockets/bench bench:serve${process.argv.slice(2).length > 0 ? ` ${process.argv.slice(2).join(" ")}` : ""}`;
const floors = floorLines();
const section = `${SERVER_SECTION_START}
## Server rows (\`bench:serve\`)

Generated by \`${invocation}\` (${quick ? "**--quick smoke run: sizes scaled down, numbers not meaningful**" : "full run"}) in ${durationS} s: median of ${reps} repetition(s), one fresh server process per measurement, warmed up (${WARMUP.accept} connections; ${WARMUP.echo / 1024 / 1024} MiB) before the measured load, candidates interleaved with the order flipped each repetition. Load: the C client in src/server/loadserver.c (${SCALE.accept} sequential connections, each reading a one-byte greeting; ${SCALE.echo / 1024 / 1024} MiB echoed over one connection, sending and receiving at once). "Spread" is the lowest and highest ours ÷ native of single repetitions. "Server CPU" is the server process's own user + system time (all threads, /proc/<pid>/stat) over the measured load, median per connection or per MiB: it holds on a loaded machine where rates swing. Raw samples: \`${quick ? ".tmp/SERVER-RESULTS.quick.samples.json" : "RESULTS.server-samples.json"}\`.

${Object.entries(machine)
  .map(([k, v]) => `- ${k}: ${v}`)
  .join("\n")}

| runtime | workload | native listener | serve() | ours ÷ native | spread | target | server CPU, native | server CPU, ours (÷ native) |
| --- | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: |
${rows.map(tableRow).join("\n")}
${floors.length > 0 ? `\nFloor (a web-streams server on the native API, no library: what any streams-based server pays on this runtime):\n\n${floors.join("\n")}\n` : ""}
Native listeners: ${Object.entries(NATIVE)
  .map(([id, label]) => `${id}: ${label}`)
  .join(
    "; ",
  )}. workerd has no row: its listeners come from its config, so no serve() of ours runs there. What the profiles showed and why a target is missed: FINDINGS.md, Servers.
${SERVER_SECTION_END}`;

mkdirSync(join(BENCH_DIR, ".tmp"), { recursive: true });
const out = quick
  ? join(BENCH_DIR, ".tmp", "SERVER-RESULTS.quick.md")
  : join(BENCH_DIR, "RESULTS.md");
const raw = quick
  ? join(BENCH_DIR, ".tmp", "SERVER-RESULTS.quick.samples.json")
  : join(BENCH_DIR, "RESULTS.server-samples.json");
const current = existsSync(out) && !quick ? readFileSync(out, "utf8") : "";
writeFileSync(out, quick ? `${section}\n` : withServerSection(current, section));
writeFileSync(
  raw,
  `${JSON.stringify(
    {
      started: started.toISOString(),
      scale: SCALE,
      warmup: WARMUP,
      repetitions: reps,
      rows: rows.map((r) => ({ ...r, unit: def(r.workload).unit })),
    },
    null,
    1,
  )}\n`,
);
console.log(
  `wrote ${relative(process.cwd(), out)} (raw samples: ${relative(process.cwd(), raw)}) in ${durationS} s`,
);
process.exit(failures > 0 ? 1 : 0);
