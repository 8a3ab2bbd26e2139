/**
 * A trial process on Node (and on Bun/Deno when they run the node:net
 * candidate): `node --expose-gc trial-node.js '<TrialConfig JSON>'`.
 */
import { once } from "node:events";
import type { Socket } from "node:net";
import { bareStreams } from "./bare.js";
import { churnFloor } from "./churn-floor.js";
import { downloadFloor } from "./download-floor.js";
import { type Candidate, type RuntimeHooks, runTrial } from "./harness.js";
import { nodeChurn, nodeDownload, nodeNative, nodeUpload } from "./node-native.js";
import type { TrialConfig } from "./protocol.js";
import { uploadFloor } from "./upload-floor.js";
import { type ConnectLike, type WebSocketLike, webCandidate } from "./web.js";

const candidates: Record<string, () => Promise<Candidate>> = {
  native: async () => nodeNative,
  bare: async () => ({
    ...bareStreams,
    churn: churnFloor(nodeChurn),
    ...downloadFloor(nodeDownload),
    ...uploadFloor(nodeUpload),
  }),
  ours: async () => {
    const { connect } = await import("@sockets/connect");
    return webCandidate({
      connect: connect as unknown as ConnectLike,
      opened: (socket) => (socket as unknown as { opened: Promise<unknown> }).opened,
    });
  },
  arrowood: async () => {
    const { connect } = await import("@arrowood.dev/socket");
    // Its `closed` rejects on any socket error with nobody listening (an
    // unhandled rejection that would end the process): observe it.
    const guard = (socket: WebSocketLike): WebSocketLike => {
      (socket as unknown as { closed: Promise<void> }).closed.catch(() => {});
      const startTls = socket.startTls.bind(socket);
      socket.startTls = () => guard(startTls());
      return socket;
    };
    return webCandidate({
      connect: (address, options) => guard((connect as unknown as ConnectLike)(address, options)),
      // 0.2.0 has no `opened`: wait for the event of the node:net socket it wraps.
      opened: (socket: WebSocketLike, tls) =>
        once((socket as unknown as { socket: Socket }).socket, tls ? "secureConnect" : "connect"),
      noByob: "its readable (Duplex.toWeb) is not a byte stream: no BYOB reader",
    });
  },
};

const config = JSON.parse(process.argv[2] ?? "") as TrialConfig;
const make = candidates[config.candidate];
if (make === undefined) throw new Error(`unknown candidate "${config.candidate}"`);

const gc = (globalThis as { gc?: () => void }).gc;
const hooks: RuntimeHooks = {
  gc: () => gc?.(),
  memory: () => {
    const m = process.memoryUsage();
    return { rss: m.rss, heap: m.heapUsed + m.external };
  },
};

await runTrial(config, await make(), hooks, (line) => console.log(line));
// Sockets a failed workload left behind must not keep the process alive.
process.exit(0);
