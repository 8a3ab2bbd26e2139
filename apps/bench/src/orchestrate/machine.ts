import { cpus, freemem, loadavg, release, totalmem, type } from "node:os";
import type { RuntimeDef } from "./runtimes.js";

export function describeMachine(
  runtimes: readonly RuntimeDef[],
  started: Date,
  server: string,
): Record<string, string> {
  const cores = cpus();
  const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  return {
    date: started.toISOString(),
    cpu: `${cores[0]?.model.trim() ?? "unknown"} × ${cores.length} logical cores`,
    memory: `${gib(totalmem())} (${gib(freemem())} free at start)`,
    os: `${type()} ${release()} ${process.arch}`,
    "load average at start": loadavg()
      .map((l) => l.toFixed(2))
      .join(", "),
    runtimes: runtimes.map((r) => (r.missing ? `${r.label} (missing)` : r.label)).join(", "),
    "load server": `${server}; separate processes`,
  };
}
