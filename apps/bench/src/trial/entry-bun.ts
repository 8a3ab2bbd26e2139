/**
 * A trial process on Bun: `bun run trial-bun.js '<TrialConfig JSON>'`.
 * `@sockets/connect` resolves through its `bun` export condition.
 */
import { bareStreams } from "./bare.js";
import { bunChurn, bunDownload, bunNative, bunUpload } from "./bun-native.js";
import { churnFloor } from "./churn-floor.js";
import { downloadFloor } from "./download-floor.js";
import { type Candidate, type RuntimeHooks, runTrial } from "./harness.js";
import type { TrialConfig } from "./protocol.js";
import { uploadFloor } from "./upload-floor.js";
import { type ConnectLike, webCandidate } from "./web.js";

const Bun = (globalThis as unknown as { Bun: { gc(force: boolean): void } }).Bun;

const candidates: Record<string, () => Promise<Candidate>> = {
  native: async () => bunNative,
  bare: async () => ({
    ...bareStreams,
    churn: churnFloor(bunChurn),
    ...downloadFloor(bunDownload),
    ...uploadFloor(bunUpload),
  }),
  ours: async () => {
    const { connect } = await import("@sockets/connect");
    return webCandidate({
      connect: connect as unknown as ConnectLike,
      opened: (socket) => (socket as unknown as { opened: Promise<unknown> }).opened,
    });
  },
};

const config = JSON.parse(process.argv[2] ?? "") as TrialConfig;
const make = candidates[config.candidate];
if (make === undefined) throw new Error(`unknown candidate "${config.candidate}"`);

const hooks: RuntimeHooks = {
  gc: () => Bun.gc(true),
  memory: () => {
    const m = process.memoryUsage();
    return { rss: m.rss, heap: m.heapUsed + m.external };
  },
};

await runTrial(config, await make(), hooks, (line) => console.log(line));
process.exit(0);
