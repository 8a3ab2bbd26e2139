import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

let ticksPerSecond: number | null | undefined;

function clockTicks(): number | null {
  if (ticksPerSecond !== undefined) return ticksPerSecond;
  try {
    ticksPerSecond =
      Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    ticksPerSecond = process.platform === "linux" ? 100 : null;
  }
  return ticksPerSecond;
}

/** CPU seconds (user + system, all threads) a process has used so far; null off Linux. */
export function cpuSeconds(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  const ticks = clockTicks();
  if (ticks === null) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may contain spaces), from field 3 on.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / ticks;
  } catch {
    return null;
  }
}

/** A CPU reading of several processes at one instant. */
export interface CpuMark {
  readonly at: number;
  readonly cpu: (number | null)[];
}

export function markCpu(pids: (number | undefined)[]): CpuMark {
  return { at: performance.now(), cpu: pids.map(cpuSeconds) };
}

/** Each process's CPU use between two marks, as a share of one core (1 = 100 %). */
export function cpuShare(from: CpuMark, to: CpuMark): (number | null)[] {
  const seconds = (to.at - from.at) / 1e3;
  return from.cpu.map((start, i) => {
    const end = to.cpu[i];
    if (start === null || end === null || end === undefined || seconds <= 0) return null;
    return (end - start) / seconds;
  });
}
