/**
 * A trial process on Deno:
 * `deno run --node-modules-dir=manual --allow-net --allow-read --allow-env
 *  --v8-flags=--expose-gc trial-deno.js '<TrialConfig JSON>'`.
 * `@sockets/connect` resolves through its `deno` export condition.
 */
import { bareStreams } from "./bare.js";
import { churnFloor } from "./churn-floor.js";
import { denoChurn, denoDownload, denoNative, denoUpload } from "./deno-native.js";
import { downloadFloor } from "./download-floor.js";
import { type Candidate, type RuntimeHooks, runTrial } from "./harness.js";
import type { TrialConfig } from "./protocol.js";
import { uploadFloor } from "./upload-floor.js";
import { type ConnectLike, webCandidate } from "./web.js";

interface DenoProcess {
  readonly args: string[];
  memoryUsage(): { rss: number; heapUsed: number; external: number };
  exit(code: number): never;
}
const Deno = (globalThis as unknown as { Deno: DenoProcess }).Deno;

const candidates: Record<string, () => Promise<Candidate>> = {
  native: async () => denoNative,
  bare: async () => ({
    ...bareStreams,
    churn: churnFloor(denoChurn),
    ...downloadFloor(denoDownload),
    ...uploadFloor(denoUpload),
  }),
  ours: async () => {
    const { connect } = await import("@sockets/connect");
    return webCandidate({
      connect: connect as unknown as ConnectLike,
      opened: (socket) => (socket as unknown as { opened: Promise<unknown> }).opened,
    });
  },
};

const config = JSON.parse(Deno.args[0] ?? "") as TrialConfig;
const make = candidates[config.candidate];
if (make === undefined) throw new Error(`unknown candidate "${config.candidate}"`);

const gc = (globalThis as { gc?: () => void }).gc;
const hooks: RuntimeHooks = {
  gc: () => gc?.(),
  memory: () => {
    const m = Deno.memoryUsage();
    return { rss: m.rss, heap: m.heapUsed + m.external };
  },
};

await runTrial(config, await make(), hooks, (line) => console.log(line));
Deno.exit(0);
