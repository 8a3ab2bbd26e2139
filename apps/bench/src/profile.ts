/**
 * `pnpm profile --workload=churn [--candidate=ours] [--runtime=node20|node24] [--quick]`
 *
 * Runs one workload of one candidate on Node under `--cpu-prof` against the
 * load server, then prints where the CPU time went: self time per function
 * and per source (web streams, @sockets/core, node:net, ...). The
 * .cpuprofile is kept under .tmp/profiles for Chrome DevTools or speedscope.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createTestPki } from "@sockets/conformance/servers";
import { BENCH_DIR, BUILD_DIR, buildTrials } from "./orchestrate/build.js";
import { FULL_SCALE, QUICK_SCALE } from "./orchestrate/plan.js";
import { discoverRuntimes } from "./orchestrate/runtimes.js";
import { startLoadServer } from "./orchestrate/server.js";
import { runTrialProcess } from "./orchestrate/trial.js";
import type { WorkloadId } from "./trial/protocol.js";

const { values: args } = parseArgs({
  options: {
    workload: { type: "string", default: "churn" },
    candidate: { type: "string", default: "ours" },
    runtime: { type: "string", default: "node20" },
    quick: { type: "boolean", default: false },
    top: { type: "string", default: "30" },
  },
});

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Groups a script URL into the layer it belongs to. */
function layer(url: string, name: string): string {
  if (url === "") return name.startsWith("(") ? name : "(native / V8 builtins)";
  if (url.includes("internal/webstreams")) return "node: web streams";
  if (url.includes("packages/core/")) return "@sockets/core";
  if (url.includes("packages/node/")) return "@sockets/node";
  if (url.includes("@arrowood.dev")) return "@arrowood.dev/socket";
  if (url.includes(".build/trial")) return "bench workload code";
  if (/node:internal\/(streams|stream_base)/.test(url) || url.includes("internal/streams")) {
    return "node: streams (net.Socket)";
  }
  if (/node:(net|internal\/net)/.test(url) || url.includes("node:net")) return "node: net";
  if (url.includes("tls") || url.includes("_tls")) return "node: tls";
  if (url.includes("node:internal/process/task_queues") || url.includes("timers")) {
    return "node: task queues / timers";
  }
  if (url.startsWith("node:")) return `node: ${url.replace(/^node:(internal\/)?/, "")}`;
  return url;
}

export function summarize(profile: CpuProfile, top: number): string {
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const byFunction = new Map<string, number>();
  const byLayer = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const t = self.get(node.id) ?? 0;
    if (t === 0) continue;
    total += t;
    const { functionName, url, lineNumber } = node.callFrame;
    const name = `${functionName || "(anonymous)"}  ${url.replace(/^.*\/(packages|node_modules|\.build)\//, "$1/")}:${lineNumber + 1}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + t);
    const l = layer(url, functionName);
    byLayer.set(l, (byLayer.get(l) ?? 0) + t);
  }
  const fmt = (entries: Map<string, number>, n: number) =>
    [...entries.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(
        ([name, t]) =>
          `${((t / total) * 100).toFixed(1).padStart(5)}%  ${(t / 1000).toFixed(0).padStart(6)} ms  ${name}`,
      )
      .join("\n");
  return `self time by layer (total ${(total / 1000).toFixed(0)} ms):\n${fmt(byLayer, 20)}\n\ntop functions by self time:\n${fmt(byFunction, top)}`;
}

async function main() {
  const runtime = discoverRuntimes().find((r) => r.id === args.runtime);
  if (!runtime || runtime.missing || !runtime.id.startsWith("node")) {
    throw new Error(`--runtime must be node20 or node24 (got ${args.runtime})`);
  }
  await buildTrials();
  const tmp = join(BENCH_DIR, ".tmp", `profile-${process.pid}`);
  const dir = join(BENCH_DIR, ".tmp", "profiles");
  mkdirSync(tmp, { recursive: true });
  mkdirSync(dir, { recursive: true });
  const pki = await createTestPki();
  const ca = join(tmp, "ca.pem");
  writeFileSync(ca, pki.ca.cert);
  writeFileSync(join(tmp, "cert.pem"), pki.server.cert);
  writeFileSync(join(tmp, "key.pem"), pki.server.key);
  const server = await startLoadServer(join(tmp, "cert.pem"), join(tmp, "key.pem"));
  const name = `${args.runtime}-${args.workload}-${args.candidate}-${Date.now()}.cpuprofile`;
  try {
    const outcomes = await runTrialProcess(
      {
        command: runtime.command,
        args: [
          "--expose-gc",
          "--cpu-prof",
          `--cpu-prof-dir=${dir}`,
          `--cpu-prof-name=${name}`,
          join(BUILD_DIR, "trial-node.js"),
        ],
        cwd: BENCH_DIR,
        env: { NODE_EXTRA_CA_CERTS: ca },
        timeoutMs: 300_000,
        serverPids: server.pids,
      },
      {
        candidate: args.candidate!,
        workloads: [args.workload as WorkloadId],
        ports: server.ports,
        scale: args.quick ? QUICK_SCALE : FULL_SCALE,
      },
    );
    console.log(JSON.stringify(Object.fromEntries(outcomes)));
  } finally {
    await server.stop();
  }
  const file = readdirSync(dir).find((f) => f === name);
  if (!file) throw new Error("no profile was written");
  const profile = JSON.parse(readFileSync(join(dir, file), "utf8")) as CpuProfile;
  console.log(`\n${join(".tmp", "profiles", file)}\n`);
  console.log(summarize(profile, Number(args.top)));
}

await main();
