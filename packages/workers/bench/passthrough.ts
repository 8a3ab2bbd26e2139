/**
 * Measures what @sockets/workers costs over workerd's own cloudflare:sockets:
 * `pnpm --filter @sockets/workers bench`. One workerd process runs both,
 * interleaved, against loopback servers in this process: a download through
 * the default reader and through a BYOB reader, 32-byte echo round trips, and
 * connect + opened + close. Prints the median of each over the rounds. The
 * streams are workerd's own in both cases, so the reads and writes should not
 * differ; connect, opened and close go through the wrapper.
 *
 *   --rounds=N  (default 5)   --mib=N  download size in MiB (default 256)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createTestPki, startServers } from "@sockets/conformance/servers";
import { prepareWorker, runSubprocess } from "@sockets/conformance/workerd";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const arg = (name: string, fallback: number) => {
  const found = process.argv.find((a) => a.startsWith(`--${name}=`));
  return found ? Number(found.slice(name.length + 3)) : fallback;
};
const rounds = arg("rounds", 5);
const mib = arg("mib", 256);

interface Sample {
  round: number;
  variant: string;
  defaultReaderMBps: number;
  byobReaderMBps: number;
  pingPongUs: number;
  connectCloseMs: number;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

const dir = mkdtempSync(join(tmpdir(), "sockets-workers-bench-"));
const servers = await startServers(await createTestPki());
try {
  const { run } = prepareWorker({
    dir,
    entry: join(packageDir, "bench/passthrough.worker.ts"),
    name: "bench",
    ca: servers.pki.ca.cert,
    absWorkingDir: packageDir,
    timeoutMs: 30 * 60_000,
  });
  const config = { ports: servers.ports, ca: servers.pki.ca.cert, clientCert: servers.pki.client };
  const outcome = await runSubprocess(run, { ...config, rounds, mib } as typeof config);
  const samples = outcome.log
    .split("\n")
    .filter((line) => line.startsWith("BENCH "))
    .map((line) => JSON.parse(line.slice(6)) as Sample);
  if (!outcome.completed) {
    console.error(`the workerd run did not finish:\n${outcome.log.slice(-4000)}`);
    process.exitCode = 1;
  }
  const metrics: [keyof Sample, string, number][] = [
    ["defaultReaderMBps", `download ${mib} MiB, default reader (MB/s)`, 0],
    ["byobReaderMBps", `download ${mib} MiB, BYOB reader, 1 MiB buffer (MB/s)`, 0],
    ["pingPongUs", "32-byte echo round trip (µs)", 1],
    ["connectCloseMs", "connect + opened + close() (ms)", 3],
  ];
  console.log(`workerd, loopback, ${rounds} rounds interleaved; median (min-max)`);
  console.log(`${"".padEnd(52)}${"native".padEnd(24)}@sockets/workers`);
  for (const [key, label, digits] of metrics) {
    const cells = ["native", "@sockets/workers"].map((variant) => {
      const values = samples.filter((s) => s.variant === variant).map((s) => s[key] as number);
      if (values.length === 0) return "-";
      return `${median(values).toFixed(digits)} (${Math.min(...values).toFixed(digits)}-${Math.max(...values).toFixed(digits)})`;
    });
    console.log(`${label.padEnd(52)}${(cells[0] ?? "").padEnd(24)}${cells[1]}`);
  }
} finally {
  await servers.close();
  rmSync(dir, { recursive: true, force: true });
}
