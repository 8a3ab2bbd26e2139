/**
 * The trial worker for workerd, bundled with esbuild under the conditions
 * wrangler uses (`workerd, worker, browser`), so `@sockets/connect` resolves
 * to its workerd entry; `cloudflare:sockets` stays external. Each POST runs
 * one trial (the TrialConfig JSON body) and answers with the trial's lines.
 */
// @ts-expect-error cloudflare:sockets exists only inside workerd (no types installed here).
import { connect as nativeConnect } from "cloudflare:sockets";
import { connect as oursConnect } from "@sockets/connect";
import { bareStreams } from "./bare.js";
import { type Candidate, type RuntimeHooks, runTrial } from "./harness.js";
import type { TrialConfig } from "./protocol.js";
import { type ConnectLike, type WebSocketLike, webCandidate } from "./web.js";

const NO_MEMORY = "workerd gives a worker no memory figures (no process.memoryUsage, no gc)";

function spec(connect: unknown): Candidate {
  return {
    ...webCandidate({
      connect: connect as ConnectLike,
      opened: (socket: WebSocketLike) => (socket as unknown as { opened: Promise<unknown> }).opened,
    }),
    "idle-memory": NO_MEMORY,
    "idle-memory-byob": NO_MEMORY,
  };
}

const candidates: Record<string, () => Candidate> = {
  native: () => spec(nativeConnect),
  ours: () => spec(oursConnect),
  bare: () => ({
    ...bareStreams,
    churn: "the native API already is web streams: no floor above it",
    "idle-memory": NO_MEMORY,
    "idle-memory-byob": NO_MEMORY,
  }),
};

// workerd's clock moves only at I/O, in whole milliseconds (Spectre mitigation).
const hooks: RuntimeHooks = { gc: () => {}, memory: () => null, coarseClock: true };

export default {
  async fetch(request: Request): Promise<Response> {
    const config = (await request.json()) as TrialConfig;
    const make = candidates[config.candidate];
    if (make === undefined)
      return new Response(`unknown candidate "${config.candidate}"`, { status: 400 });
    const lines: string[] = [];
    await runTrial(config, make(), hooks, (line) => lines.push(line));
    return new Response(`${lines.join("\n")}\n`);
  },
};
