import { spawn } from "node:child_process";
import type { Scale, WorkloadId } from "../trial/protocol.js";
import { cpuShare, markCpu } from "./cpu.js";
import type { LoadServer } from "./server.js";

/** The load server measured against itself: its own C code as a client that only moves bytes. */
export interface Ceiling {
  readonly workload: WorkloadId;
  readonly values: number[];
  readonly serverCpu: number[];
  readonly errors: string[];
}

function runClient(
  binary: string,
  args: string[],
): Promise<{ mbps: number | null; error: string }> {
  return new Promise((resolve) => {
    const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      err += d.toString();
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      const mbps = Number(out.trim());
      resolve(
        code === 0 && Number.isFinite(mbps)
          ? { mbps, error: "" }
          : { mbps: null, error: err.trim() || `exit ${code}` },
      );
    });
  });
}

export async function measureCeiling(
  server: LoadServer,
  scale: Scale,
  repetitions: number,
): Promise<Ceiling[]> {
  const binary = server.cBinary;
  if (binary === null) return [];
  const runs: { workload: WorkloadId; mode: string; port: number }[] = [
    { workload: "download", mode: "download", port: server.ports.source },
    { workload: "upload", mode: "upload", port: server.ports.sink },
  ];
  const ceilings = runs.map((r) => ({
    workload: r.workload,
    values: [] as number[],
    serverCpu: [] as number[],
    errors: [] as string[],
  }));
  for (let rep = 0; rep < repetitions; rep++) {
    for (const [i, run] of runs.entries()) {
      const start = markCpu([...server.pids]);
      const { mbps, error } = await runClient(binary, [
        run.mode,
        String(run.port),
        String(scale.bulkBytes),
      ]);
      const shares = cpuShare(start, markCpu([...server.pids])).filter(
        (s): s is number => s !== null,
      );
      const ceiling = ceilings[i]!;
      if (mbps === null) {
        ceiling.errors.push(error);
        continue;
      }
      ceiling.values.push(mbps);
      if (shares.length > 0) ceiling.serverCpu.push(shares.reduce((a, b) => a + b, 0));
    }
  }
  return ceilings;
}
