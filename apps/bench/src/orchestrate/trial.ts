import { spawn } from "node:child_process";
import type { Sample, TrialConfig, TrialLine, WorkloadId } from "../trial/protocol.js";
import { LINE_PREFIX } from "../trial/protocol.js";
import { type CpuMark, cpuShare, markCpu } from "./cpu.js";

export type Outcome =
  | { kind: "sample"; sample: Sample; clientCpu: number | null; serverCpu: number | null }
  | { kind: "unsupported"; reason: string }
  | { kind: "error"; message: string };

export interface TrialRun {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Record<string, string>;
  readonly timeoutMs: number;
  readonly serverPids: readonly number[];
}

/**
 * Runs one trial process and collects an outcome per workload. CPU time of the
 * trial process and of the load server is read at the trial's start and end
 * marks, so it covers exactly the measured window.
 */
export function runTrialProcess(
  run: TrialRun,
  config: TrialConfig,
): Promise<Map<WorkloadId, Outcome>> {
  return new Promise((resolve) => {
    const outcomes = new Map<WorkloadId, Outcome>();
    const child = spawn(run.command, [...run.args, JSON.stringify(config)], {
      cwd: run.cwd,
      env: { ...process.env, ...run.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const pids = [child.pid, ...run.serverPids];
    let startMark: CpuMark | null = null;
    let window: (number | null)[] = [null, null];
    let log = "";
    let pending = "";
    let done = false;
    const keepLog = (text: string) => {
      log = (log + text).slice(-4000);
    };
    const onLine = (text: string) => {
      if (!text.startsWith(LINE_PREFIX)) {
        keepLog(`${text}\n`);
        return;
      }
      const line = JSON.parse(text.slice(LINE_PREFIX.length)) as TrialLine;
      switch (line.type) {
        case "mark":
          if (line.phase === "start") startMark = markCpu(pids);
          else if (startMark !== null) {
            const shares = cpuShare(startMark, markCpu(pids));
            const servers = shares.slice(1).filter((s): s is number => s !== null);
            window = [
              shares[0] ?? null,
              servers.length > 0 ? servers.reduce((a, b) => a + b, 0) : null,
            ];
          }
          break;
        case "result":
          outcomes.set(line.workload, {
            kind: "sample",
            sample: line.sample,
            clientCpu: window[0] ?? null,
            serverCpu: window[1] ?? null,
          });
          startMark = null;
          window = [null, null];
          break;
        case "unsupported":
          outcomes.set(line.workload, { kind: "unsupported", reason: line.reason });
          break;
        case "error":
          outcomes.set(line.workload, { kind: "error", message: line.message });
          break;
        case "done":
          done = true;
          break;
      }
    };
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (text: string) => {
      pending += text;
      let newline = pending.indexOf("\n");
      while (newline !== -1) {
        onLine(pending.slice(0, newline));
        pending = pending.slice(newline + 1);
        newline = pending.indexOf("\n");
      }
    });
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", keepLog);
    let timedOut = false;
    let killTimer: ReturnType<typeof setTimeout> | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGTERM");
      killTimer = setTimeout(() => child.kill("SIGKILL"), 3_000);
    }, run.timeoutMs);
    child.on("error", (error) => keepLog(`could not start ${run.command}: ${error.message}\n`));
    child.on("close", (code) => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      if (!done) {
        const why = timedOut
          ? `timed out after ${Math.round(run.timeoutMs / 1000)} s`
          : `exited with code ${code} before finishing`;
        const tail = log.trim().split("\n").slice(-3).join(" | ");
        for (const workload of config.workloads) {
          if (!outcomes.has(workload)) {
            outcomes.set(workload, { kind: "error", message: `${why}${tail ? `: ${tail}` : ""}` });
          }
        }
      }
      resolve(outcomes);
    });
  });
}
