/**
 * `pnpm bench [--quick] [--runtimes=node20,node24,deno,bun,workerd]
 *             [--workloads=download,...] [--reps=N] [--out=FILE]`
 *
 * Measures @sockets/connect against each runtime's native socket API (and
 * @arrowood.dev/socket on Node) on loopback, against a load server in its own
 * process; prints the table and writes RESULTS.md.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { parseArgs } from "node:util";
import { createTestPki } from "@sockets/conformance/servers";
import { BENCH_DIR, buildTrials } from "./orchestrate/build.js";
import { type Ceiling, measureCeiling } from "./orchestrate/ceiling.js";
import { chartSvg } from "./orchestrate/chart.js";
import { describeMachine } from "./orchestrate/machine.js";
import { isPinned, pinnedCommand, pinningUnavailable, pinProcesses } from "./orchestrate/pin.js";
import { FULL_SCALE, QUICK_SCALE, WORKLOADS, workloadInfo } from "./orchestrate/plan.js";
import { type Cell, consoleTable, format, markdown } from "./orchestrate/report.js";
import {
  type CandidateDef,
  type CandidateId,
  discoverRuntimes,
  type RuntimeDef,
  type RuntimeId,
} from "./orchestrate/runtimes.js";
import { startLoadServer } from "./orchestrate/server.js";
import { serverSection, withServerSection } from "./orchestrate/server-section.js";
import { type Outcome, runTrialProcess } from "./orchestrate/trial.js";
import { runWorkerd } from "./orchestrate/workerd.js";
import type { TrialConfig, WorkloadId } from "./trial/protocol.js";

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    runtimes: { type: "string" },
    workloads: { type: "string" },
    reps: { type: "string" },
    out: { type: "string" },
    "no-ceiling": { type: "boolean", default: false },
    "no-bare": { type: "boolean", default: false },
    "node-server": { type: "boolean", default: false },
  },
  strict: true,
});

const quick = args.quick === true;
const scale = quick ? QUICK_SCALE : FULL_SCALE;
const repetitions = Number(args.reps ?? (quick ? 2 : 5));
// The smoke run leaves out the pinned variant unless asked: it is the
// ping-pong code again, and each pinned measurement costs a process of its own.
const workloads: WorkloadId[] = args.workloads
  ? (args.workloads.split(",") as WorkloadId[])
  : WORKLOADS.map((w) => w.id).filter((w) => !quick || !isPinned(w));
for (const w of workloads) workloadInfo(w) ?? fail(`unknown workload "${w}"`);
/** What the bare web-streams measurement covers (see src/trial/bare.ts). */
const BARE_WORKLOADS: WorkloadId[] = [
  "download",
  "download-byob",
  "upload",
  "pingpong",
  "pingpong-pinned",
  "churn",
  "idle-memory",
  "idle-memory-byob",
  "tls-download",
];

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

const started = new Date();
const t0 = performance.now();
const tmp = join(BENCH_DIR, ".tmp", `run-${process.pid}`);
mkdirSync(tmp, { recursive: true });

console.log(
  `sockets bench (${quick ? "--quick" : "full"}): building trials and test certificates…`,
);
await buildTrials();
const pki = await createTestPki();
const paths = {
  ca: join(tmp, "ca.pem"),
  cert: join(tmp, "server.pem"),
  key: join(tmp, "server-key.pem"),
};
writeFileSync(paths.ca, pki.ca.cert);
writeFileSync(paths.cert, pki.server.cert);
writeFileSync(paths.key, pki.server.key);

let runtimes = discoverRuntimes();
if (args.runtimes) {
  const wanted = args.runtimes.split(",");
  runtimes = runtimes.filter((r) => wanted.includes(r.id));
}
runtimes = runtimes.map((r) => {
  const extra: CandidateDef[] = [];
  if (!args["no-bare"]) extra.push({ id: "bare", label: "bare web streams (no socket)" });
  return { ...r, candidates: [...r.candidates, ...extra] };
});

const server = await startLoadServer(paths.cert, paths.key, { nodeOnly: args["node-server"] });
console.log(`load server: ${server.description}`);
const stopServer = () => server.stop();
process.once("SIGINT", () => void stopServer().then(() => process.exit(130)));

const cells = new Map<string, Cell>();
const key = (r: RuntimeId, w: WorkloadId, c: CandidateId) => `${r}|${w}|${c}`;
function cell(r: RuntimeId, w: WorkloadId, c: CandidateId): Cell {
  const k = key(r, w, c);
  let found = cells.get(k);
  if (!found) {
    found = {
      runtime: r,
      workload: w,
      candidate: c,
      values: [],
      reps: [],
      extras: {},
      clientCpu: [],
      serverCpu: [],
      notes: new Set(),
      errors: 0,
    };
    cells.set(k, found);
  }
  return found;
}

function record(
  runtime: RuntimeDef,
  candidate: CandidateDef,
  workload: WorkloadId,
  outcome: Outcome,
  rep: number,
) {
  const c = cell(runtime.id, workload, candidate.id);
  const info = workloadInfo(workload);
  if (outcome.kind === "sample") {
    c.values.push(outcome.sample.value);
    c.reps.push(rep);
    for (const [name, value] of Object.entries(outcome.sample.extra ?? {})) {
      c.extras[name] ??= [];
      c.extras[name].push(value);
    }
    if (outcome.clientCpu !== null) c.clientCpu.push(outcome.clientCpu);
    // Client CPU µs per MiB moved (a core's share × µs per MiB at this
    // rate): steadier than the rate while other work shares the machine.
    // The bare candidate reports MB/s only for its download and upload floors on a socket.
    const rate =
      info.unit === "MB/s" && (candidate.id !== "bare" || outcome.sample.extra?.onSocket);
    if (outcome.clientCpu !== null && rate && outcome.sample.value > 0) {
      c.extras.cpuUsPerMiB ??= [];
      c.extras.cpuUsPerMiB.push((outcome.clientCpu * 1_048_576) / outcome.sample.value);
    }
    if (outcome.serverCpu !== null) c.serverCpu.push(outcome.serverCpu);
    // The bare web-streams measurement reports a cost per unit, not the
    // workload's value; churn's floor is a rate of real connections, and
    // download and upload floors on a real socket (extra.onSocket) report the workload's rate.
    const unit =
      candidate.id !== "bare" || workload === "churn" || outcome.sample.extra?.onSocket
        ? info.unit
        : workload.startsWith("idle-memory")
          ? "bytes"
          : "µs";
    return `${format(outcome.sample.value, unit)} ${unit}`;
  }
  if (outcome.kind === "unsupported") {
    c.notes.add(`n/a: ${outcome.reason}`);
    return "n/a";
  }
  c.errors++;
  c.notes.add(`error: ${outcome.message}`);
  return `ERROR ${outcome.message.slice(0, 200)}`;
}

/** Candidates rotate each round, so none always runs first (or right after a heavy one). */
function rotate<T>(items: readonly T[], by: number): T[] {
  const n = items.length;
  return items.map((_, i) => items[(i + by) % n]!);
}

const trialEnv = { NODE_EXTRA_CA_CERTS: paths.ca };
const noPinning = workloads.some(isPinned) ? pinningUnavailable() : null;

/** The workloads a candidate runs: the bare measurement covers only some. */
function workloadsOf(c: CandidateDef): WorkloadId[] {
  if (c.id === "bare") return workloads.filter((w) => BARE_WORKLOADS.includes(w));
  return workloads;
}

async function runProcessRuntime(runtime: RuntimeDef): Promise<void> {
  const runnable = runtime.candidates.filter((c) => {
    if (c.skip === undefined) return true;
    for (const w of workloads) cell(runtime.id, w, c.id).notes.add(c.skip);
    return false;
  });
  const run = async (candidate: CandidateDef, list: WorkloadId[], rep: number, label: string) => {
    if (list.length === 0) return;
    // A pinned workload runs in a process of its own (callers keep it apart).
    const pinned = list.some(isPinned);
    if (pinned && noPinning !== null) {
      for (const w of list)
        record(runtime, candidate, w, { kind: "unsupported", reason: noPinning }, rep);
      return;
    }
    const config: TrialConfig = {
      candidate: candidate.id,
      workloads: list,
      ports: server.ports,
      scale,
    };
    const start = pinned
      ? pinnedCommand(runtime.command, runtime.args)
      : { command: runtime.command, args: [...runtime.args] };
    const unpin = pinned ? pinProcesses(server.pids) : null;
    const outcomes = await runTrialProcess(
      {
        command: start.command,
        args: start.args,
        cwd: BENCH_DIR,
        env: trialEnv,
        timeoutMs: (quick ? 60 : 240) * 1000,
        serverPids: server.pids,
      },
      config,
    ).finally(() => unpin?.());
    const parts: string[] = [];
    for (const w of list) {
      const outcome = outcomes.get(w) ?? { kind: "error", message: "no result" };
      parts.push(`${list.length > 1 ? `${w} ` : ""}${record(runtime, candidate, w, outcome, rep)}`);
    }
    console.log(`  ${label} ${candidate.id}: ${parts.join(", ")}`);
  };
  for (let rep = 0; rep < repetitions; rep++) {
    if (quick) {
      // One process per candidate and repetition runs every workload: a smoke run, fast.
      // Pinned workloads get a process of their own.
      for (const candidate of rotate(runnable, rep)) {
        const label = `[${runtime.id} ${rep + 1}/${repetitions}]`;
        const list = workloadsOf(candidate);
        await run(
          candidate,
          list.filter((w) => !isPinned(w)),
          rep,
          label,
        );
        await run(candidate, list.filter(isPinned), rep, label);
      }
      continue;
    }
    // One fresh process per measurement; candidates of one workload run back to back.
    for (const [i, workload] of workloads.entries()) {
      for (const candidate of rotate(runnable, rep + i)) {
        if (!workloadsOf(candidate).includes(workload)) continue;
        await run(
          candidate,
          [workload],
          rep,
          `[${runtime.id} ${rep + 1}/${repetitions} ${workload}]`,
        );
      }
    }
  }
}

let ceilings: Ceiling[] = [];
try {
  if (!args["no-ceiling"]) {
    ceilings = await measureCeiling(server, scale, repetitions);
    for (const c of ceilings) {
      const info = workloadInfo(c.workload);
      console.log(
        `load server ceiling, ${c.workload}: ${c.values.map((v) => format(v, info.unit)).join(", ")} ${info.unit}${c.errors.length > 0 ? ` (errors: ${c.errors.join("; ")})` : ""}`,
      );
    }
  }
  for (const runtime of runtimes) {
    if (runtime.missing) {
      console.log(`\n${runtime.label}: skipped (${runtime.missing})`);
      continue;
    }
    console.log(`\n${runtime.label}`);
    if (runtime.id === "workerd") {
      // workerd runs its own threads under the harness's control: not pinned.
      for (const c of runtime.candidates) {
        for (const w of workloads.filter(isPinned)) {
          cell(runtime.id, w, c.id).notes.add(
            "n/a: not pinned on workerd (its trial runs in-process threads)",
          );
        }
      }
      await runWorkerd({
        runtime,
        workloads: workloads.filter((w) => !isPinned(w)),
        candidateWorkloads: workloadsOf,
        scale,
        repetitions,
        quick,
        ports: server.ports,
        caPem: pki.ca.cert,
        tmp,
        record: (candidate, workload, outcome, rep) =>
          record(runtime, candidate, workload, outcome, rep),
        skip: (candidate, reason) => {
          for (const w of workloads) cell(runtime.id, w, candidate.id).notes.add(reason);
        },
      });
    } else {
      await runProcessRuntime(runtime);
    }
  }
} finally {
  await stopServer();
}

const durationS = (performance.now() - t0) / 1e3;
console.log(`\n${consoleTable(cells, runtimes, key)}\n`);

const out =
  args.out ?? (quick ? join(BENCH_DIR, ".tmp", "RESULTS.quick.md") : join(BENCH_DIR, "RESULTS.md"));
const chart = out.replace(/(\.md)?$/, ".svg");
writeFileSync(
  chart,
  chartSvg(
    cells,
    runtimes,
    key,
    `${quick ? "--quick smoke run (not meaningful)" : "Full run"}, ${started.toISOString().slice(0, 10)}`,
  ),
);
const command = `pnpm bench${process.argv.slice(2).length > 0 ? ` ${process.argv.slice(2).join(" ")}` : ""}`;
// bench:serve's section of the file this run replaces is carried over (server-section.ts).
const serverRows = existsSync(out) ? serverSection(readFileSync(out, "utf8")) : null;
writeFileSync(
  out,
  markdown(
    {
      mode: quick ? "quick" : "full",
      scale,
      repetitions,
      started,
      durationS,
      machine: describeMachine(runtimes, started, server.description),
      runtimes,
      command,
      ceilings,
      chart: basename(chart),
    },
    cells,
    key,
  ),
);
if (serverRows !== null)
  writeFileSync(out, withServerSection(readFileSync(out, "utf8"), serverRows));
// The raw samples sit next to the results they produced, so every ratio can be re-derived.
const raw = out.replace(/\.md$/, "") + ".samples.json";
writeFileSync(
  raw,
  `${JSON.stringify(
    [...cells.values()].map((c) => ({ ...c, notes: [...c.notes] })),
    null,
    1,
  )}\n`,
);
console.log(
  `wrote ${relative(process.cwd(), out)} (raw samples: ${relative(process.cwd(), raw)}) in ${Math.round(durationS)} s`,
);

// A measurement that errored or produced nothing is a failed run, not a result:
// every cell that was not marked n/a or skipped must have samples and no errors.
const broken = [...cells.values()].filter(
  (c) => c.errors > 0 || (c.values.length === 0 && c.notes.size === 0),
);
if (broken.length > 0) {
  console.error(`\n${broken.length} measurement(s) failed:`);
  for (const c of broken) {
    console.error(
      `  ${c.runtime} ${c.workload} ${c.candidate}: ${c.values.length} samples, ${c.errors} errors${c.notes.size > 0 ? ` (${[...c.notes].join("; ")})` : ""}`,
    );
  }
  process.exitCode = 1;
}
