import { type ChildProcess, spawn } from "node:child_process";
import { copyFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import type { Ports, Scale, TrialConfig, TrialLine, WorkloadId } from "../trial/protocol.js";
import { LINE_PREFIX } from "../trial/protocol.js";
import { buildWorker } from "./build.js";
import type { CandidateDef, RuntimeDef } from "./runtimes.js";
import type { Outcome } from "./trial.js";

export interface WorkerdRun {
  readonly runtime: RuntimeDef;
  readonly workloads: readonly WorkloadId[];
  readonly candidateWorkloads: (candidate: CandidateDef) => WorkloadId[];
  readonly scale: Scale;
  readonly repetitions: number;
  readonly quick: boolean;
  readonly ports: Ports;
  readonly caPem: string;
  readonly tmp: string;
  record(candidate: CandidateDef, workload: WorkloadId, outcome: Outcome, rep: number): string;
  skip(candidate: CandidateDef, reason: string): void;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * The worker's `connect()` goes out through `globalOutbound`: a network
 * service that allows loopback and trusts the test CA (research/runtimes.md §4).
 */
function capnp(port: number): string {
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "loopback", network = (
      allow = ["local"],
      tlsOptions = (trustBrowserCas = false, trustedCertificates = [embed "ca.pem"]),
    )),
  ],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "worker.js")],
  compatibilityDate = "2025-09-01",
  globalOutbound = "loopback",
);
`;
}

async function waitUntilServing(
  url: string,
  child: ChildProcess,
  log: () => string,
): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`workerd exited (code ${child.exitCode}): ${log()}`);
    try {
      const response = await fetch(url, { method: "GET" });
      await response.arrayBuffer();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`workerd did not start serving within 20 s: ${log()}`);
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    // A hung request can keep workerd from exiting on SIGTERM (research/runtimes.md §4).
    const kill = setTimeout(() => child.kill("SIGKILL"), 3_000);
    child.once("exit", () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

async function request(
  url: string,
  config: TrialConfig,
  timeoutMs: number,
): Promise<Map<WorkloadId, Outcome>> {
  const outcomes = new Map<WorkloadId, Outcome>();
  let text: string;
  try {
    const response = await fetch(url, {
      method: "POST",
      body: JSON.stringify(config),
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await response.text();
    if (!response.ok) throw new Error(`HTTP ${response.status}: ${text.slice(0, 300)}`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    for (const w of config.workloads) outcomes.set(w, { kind: "error", message });
    return outcomes;
  }
  for (const raw of text.split("\n")) {
    if (!raw.startsWith(LINE_PREFIX)) continue;
    const line = JSON.parse(raw.slice(LINE_PREFIX.length)) as TrialLine;
    if (line.type === "result") {
      outcomes.set(line.workload, {
        kind: "sample",
        sample: line.sample,
        clientCpu: null,
        serverCpu: null,
      });
    } else if (line.type === "unsupported") {
      outcomes.set(line.workload, { kind: "unsupported", reason: line.reason });
    } else if (line.type === "error") {
      outcomes.set(line.workload, { kind: "error", message: line.message });
    }
  }
  for (const w of config.workloads) {
    if (!outcomes.has(w))
      outcomes.set(w, { kind: "error", message: "no result in the worker's answer" });
  }
  return outcomes;
}

/**
 * Runs the workloads inside one workerd process: native `cloudflare:sockets`
 * and @sockets/connect from the same worker bundle, interleaved as on the
 * other runtimes, one request per trial.
 */
export async function runWorkerd(run: WorkerdRun): Promise<void> {
  const { runtime } = run;
  const runnable = runtime.candidates.filter((c) => {
    if (c.skip === undefined) return true;
    run.skip(c, c.skip);
    return false;
  });
  const bundle = await buildWorker();
  copyFileSync(bundle, join(run.tmp, "worker.js"));
  writeFileSync(join(run.tmp, "ca.pem"), run.caPem);
  const port = await freePort();
  const configPath = join(run.tmp, "workerd.capnp");
  writeFileSync(configPath, capnp(port));
  let log = "";
  const child = spawn(runtime.command, ["serve", configPath], {
    cwd: run.tmp,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const keep = (text: Buffer) => {
    log = (log + text.toString()).slice(-4000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const url = `http://127.0.0.1:${port}/`;
  try {
    await waitUntilServing(url, child, () => log.trim().split("\n").slice(-5).join(" | "));
    const timeoutMs = (run.quick ? 60 : 240) * 1000;
    const trial = async (
      candidate: CandidateDef,
      list: WorkloadId[],
      rep: number,
      label: string,
    ) => {
      if (list.length === 0) return;
      const outcomes = await request(
        url,
        { candidate: candidate.id, workloads: list, ports: run.ports, scale: run.scale },
        timeoutMs,
      );
      const parts = list.map(
        (w) =>
          `${list.length > 1 ? `${w} ` : ""}${run.record(candidate, w, outcomes.get(w)!, rep)}`,
      );
      console.log(`  ${label} ${candidate.id}: ${parts.join(", ")}`);
    };
    for (let rep = 0; rep < run.repetitions; rep++) {
      const order = runnable.map((_, i) => runnable[(i + rep) % runnable.length]!);
      if (run.quick) {
        for (const c of order)
          await trial(c, run.candidateWorkloads(c), rep, `[workerd ${rep + 1}/${run.repetitions}]`);
        continue;
      }
      for (const [i, workload] of run.workloads.entries()) {
        const rotated = order.map((_, j) => order[(j + i) % order.length]!);
        for (const c of rotated) {
          if (!run.candidateWorkloads(c).includes(workload)) continue;
          await trial(c, [workload], rep, `[workerd ${rep + 1}/${run.repetitions} ${workload}]`);
        }
      }
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    for (const c of runnable) run.skip(c, `workerd failed: ${message}`);
    console.log(`  workerd failed: ${message}`);
  } finally {
    await stop(child);
  }
}
