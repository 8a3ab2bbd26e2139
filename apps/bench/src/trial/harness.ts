/**
 * The runtime-neutral part of a trial process: runs the requested workloads of
 * one candidate in order and reports each as a line on stdout. Each runtime's
 * entry file supplies the candidates, memory probes and the way to print.
 */
import {
  LINE_PREFIX,
  type Ports,
  type Sample,
  type Scale,
  type TrialConfig,
  type TrialLine,
  type WorkloadId,
} from "./protocol.js";

/** Memory as the runtime reports it, in bytes. */
export interface MemoryReading {
  readonly rss: number;
  /** V8 heap in use plus memory held outside it by JS objects (`external`). */
  readonly heap: number;
}

/** What a runtime entry provides to the workloads. */
export interface RuntimeHooks {
  /** A full garbage collection, or nothing if the runtime cannot be asked. */
  gc(): void;
  memory(): MemoryReading | null;
  /**
   * True where the clock only moves at I/O and in whole milliseconds
   * (workerd): per-iteration times are then useless, and latency workloads
   * report their mean instead of their median.
   */
  readonly coarseClock?: boolean;
}

export interface WorkloadContext extends RuntimeHooks {
  readonly ports: Ports;
  readonly scale: Scale;
  /** Marks the measured window, so the orchestrator can attribute CPU time to it. */
  mark(phase: "start" | "end"): void;
}

export type Workload = (ctx: WorkloadContext) => Promise<Sample>;

/** A candidate: a workload function, or the reason it cannot run that workload. */
export type Candidate = Partial<Record<WorkloadId, Workload | string>>;

export const now = (): number => performance.now();

/**
 * The latency to report: the median of the per-iteration times, or their
 * mean where the clock is too coarse to time one iteration (whole
 * milliseconds: the mean of many quantized times is still unbiased).
 */
export function latency(ctx: RuntimeHooks, times: Float64Array): number {
  return ctx.coarseClock ? times.reduce((a, b) => a + b, 0) / times.length : median(times);
}

/** Median of the first `n` values (sorts in place). */
export function median(values: Float64Array | number[], n = values.length): number {
  const sorted = Array.from(values.slice(0, n)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Bytes and milliseconds to MB/s (10^6 bytes). */
export function mbPerSecond(bytes: number, ms: number): number {
  return bytes / 1e6 / (ms / 1e3);
}

/**
 * The warm-up of a bulk transfer (downloads, upload): as many bytes as the
 * measured part, at least 4 MiB. An eighth (64 MiB of 512) left JIT tier-up
 * inside the measured window: Bun hands ~500 KB per `data` event, so 64 MiB
 * was ~130 chunks and the per-chunk code was still being compiled in the
 * window (+7–9 ms CPU in its first ~256 MiB, FINDINGS entry 56), and JSC
 * tiers a 64 KiB write path up only after 5,000–8,000 writes (entries 49,
 * 57). Every candidate gets the same warm-up, so the row measures the steady
 * state of each, not how soon its code compiles.
 */
export function bulkWarmup(bytes: number): number {
  return Math.max(4 << 20, bytes);
}

/** A warm-up size: an eighth of the measured amount, within [min, max]. */
export function warmup(amount: number, min: number, max = Number.POSITIVE_INFINITY): number {
  return Math.max(min, Math.min(max, Math.floor(amount / 8)));
}

/** Forces a few full collections; a single one can leave weak/finalizer work behind. */
export async function settle(ctx: RuntimeHooks): Promise<void> {
  for (let i = 0; i < 3; i++) {
    ctx.gc();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function formatLine(line: TrialLine): string {
  return `${LINE_PREFIX}${JSON.stringify(line)}`;
}

function message(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (cause: ${error.cause.message})` : "";
    return `${error.name}: ${error.message}${cause}`;
  }
  return String(error);
}

/** Runs `config.workloads` with `candidate`, printing one result, unsupported or error line each. */
export async function runTrial(
  config: TrialConfig,
  candidate: Candidate,
  hooks: RuntimeHooks,
  print: (line: string) => void,
): Promise<void> {
  for (const workload of config.workloads) {
    // The pinned variant is the same round trips; the orchestrator pins the
    // processes (orchestrate/pin.ts).
    const run = candidate[workload === "pingpong-pinned" ? "pingpong" : workload];
    if (run === undefined || typeof run === "string") {
      print(
        formatLine({
          type: "unsupported",
          workload,
          reason: run ?? "not implemented for this candidate",
        }),
      );
      continue;
    }
    const ctx: WorkloadContext = {
      ports: config.ports,
      scale: config.scale,
      gc: hooks.gc,
      memory: hooks.memory,
      coarseClock: hooks.coarseClock,
      mark: (phase) => print(formatLine({ type: "mark", phase, workload })),
    };
    try {
      const sample = await run(ctx);
      print(formatLine({ type: "result", workload, sample }));
    } catch (error) {
      print(formatLine({ type: "error", workload, message: message(error) }));
    }
  }
  print(formatLine({ type: "done" }));
}
