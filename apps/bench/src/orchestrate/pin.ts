import { spawnSync } from "node:child_process";
import type { WorkloadId } from "../trial/protocol.js";

/**
 * Workloads run with the trial process and the load server pinned to one
 * core (`taskset`, util-linux), so a round trip measures the CPU each side
 * spends per message rather than the wake-up of an idle second core: under
 * load, CPU per message is what users pay (issue 13).
 */
export const PINNED_WORKLOADS: readonly WorkloadId[] = ["pingpong-pinned"];

/** The core everything pinned shares. */
const CPU = "0";

export const isPinned = (w: WorkloadId): boolean => PINNED_WORKLOADS.includes(w);

/** Null when `taskset` runs here, else why pinned workloads cannot run. */
export function pinningUnavailable(): string | null {
  const probe = spawnSync("taskset", ["-p", String(process.pid)], { encoding: "utf8" });
  return probe.status === 0 ? null : "taskset (util-linux) is not available";
}

/** The command and arguments that start `command` pinned to the shared core. */
export function pinnedCommand(
  command: string,
  args: readonly string[],
): { command: string; args: string[] } {
  return { command: "taskset", args: ["-c", CPU, command, ...args] };
}

/**
 * Pins every thread of the running load server processes to the shared core;
 * the returned function puts their previous affinity back.
 */
export function pinProcesses(pids: readonly number[]): () => void {
  const previous = pids.map((pid) => {
    // "pid 123's current affinity list: 0,1"
    const out = spawnSync("taskset", ["-c", "-p", String(pid)], { encoding: "utf8" }).stdout;
    const list = /:\s*(\S+)\s*$/.exec(out ?? "")?.[1] ?? null;
    spawnSync("taskset", ["-a", "-c", "-p", CPU, String(pid)], { stdio: "ignore" });
    return { pid, list };
  });
  return () => {
    for (const { pid, list } of previous) {
      if (list !== null)
        spawnSync("taskset", ["-a", "-c", "-p", list, String(pid)], { stdio: "ignore" });
    }
  };
}
