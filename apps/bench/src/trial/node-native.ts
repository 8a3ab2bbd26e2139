/**
 * The native baseline on Node (and the node:net candidate anywhere): node:net
 * and node:tls with 'data' events, doing the same work as the web workloads
 * with the least overhead the API allows — no streams, no promises per chunk,
 * one shared TLS context, the same socket options (`noDelay`) as ours.
 */
import { connect as netConnect, type Socket } from "node:net";
import { createSecureContext, type SecureContext, connect as tlsConnect } from "node:tls";
import type { NativeChurn } from "./churn-floor.js";
import type { PushConnection } from "./download-floor.js";
import {
  bulkWarmup,
  type Candidate,
  mbPerSecond,
  median,
  now,
  settle,
  type WorkloadContext,
  warmup,
} from "./harness.js";
import {
  HOST,
  STARTTLS_COMMAND,
  STARTTLS_GO_AHEAD,
  STARTTLS_GREETING,
  STARTTLS_PROBE,
} from "./protocol.js";
import type { UploadConnection } from "./upload-floor.js";

let sharedContext: SecureContext | undefined;
/** The default trust store (with NODE_EXTRA_CA_CERTS), built once for every connection. */
function secureContext(): SecureContext {
  sharedContext ??= createSecureContext();
  return sharedContext;
}

function connectPlain(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host: HOST, port, noDelay: true });
    socket.once("error", reject);
    socket.once("connect", () => {
      socket.off("error", reject);
      resolve(socket);
    });
  });
}

function connectTls(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    // noDelay is a socket.connect() option that tls.connect passes on (missing from its types).
    const options = { host: HOST, port, noDelay: true, secureContext: secureContext() };
    const socket = tlsConnect(options);
    socket.once("error", reject);
    socket.once("secureConnect", () => {
      socket.off("error", reject);
      resolve(socket);
    });
  });
}

/** Resolves with the bytes once `n` have arrived on `socket` (short protocol lines only). */
function readExactly(socket: Socket, n: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    const onData = (chunk: Buffer) => {
      text += chunk.toString("latin1");
      if (text.length < n) return;
      socket.off("data", onData);
      socket.off("error", reject);
      socket.pause();
      resolve(text);
    };
    socket.on("data", onData);
    socket.once("error", reject);
    socket.resume();
  });
}

function failOn(socket: Socket, reject: (error: Error) => void): void {
  socket.once("error", reject);
  socket.once("close", () => reject(new Error("the connection closed early")));
}

async function downloadOnce(
  ctx: WorkloadContext | null,
  port: number,
  bytes: number,
  tls: boolean,
): Promise<{ ms: number; chunks: number }> {
  const socket = tls ? await connectTls(port) : await connectPlain(port);
  ctx?.mark("start");
  let chunks = 0;
  const elapsed = await new Promise<number>((resolve, reject) => {
    const start = now();
    let got = 0;
    socket.on("data", (chunk: Buffer) => {
      got += chunk.length;
      chunks++;
      if (got >= bytes) resolve(now() - start);
    });
    failOn(socket, reject);
    socket.write(`${bytes}\n`);
  });
  ctx?.mark("end");
  socket.destroy();
  return { ms: elapsed, chunks };
}

function download(tls: boolean) {
  return async (ctx: WorkloadContext) => {
    const bytes = tls ? ctx.scale.tlsBulkBytes : ctx.scale.bulkBytes;
    const port = tls ? ctx.ports.tlsSource : ctx.ports.source;
    await downloadOnce(null, port, bulkWarmup(bytes), tls);
    const { ms, chunks } = await downloadOnce(ctx, port, bytes, tls);
    return { value: mbPerSecond(bytes, ms), extra: { chunkBytes: bytes / chunks } };
  };
}

/** Where the download floor's plain reads land: one buffer, as ours shares one. */
const FLOOR_READS = new Uint8Array(64 * 1024);

/** A plain connection reading through `onread` into FLOOR_READS; `deliver` gets each read. */
function connectOnRead(port: number, deliver: { data(chunk: Uint8Array): void }): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({
      host: HOST,
      port,
      noDelay: true,
      onread: {
        buffer: FLOOR_READS,
        callback: (bytes, buffer) => {
          deliver.data(buffer.subarray(0, bytes));
          return true;
        },
      },
    });
    socket.once("error", reject);
    socket.once("connect", () => {
      socket.off("error", reject);
      resolve(socket);
    });
  });
}

/**
 * The connection under the download floor (download-floor.ts): plain TCP
 * through `onread`, as ours reads; TLS through 'data' events (node:tls has
 * no `onread`).
 */
export async function nodeDownload(port: number, tls: boolean): Promise<PushConnection> {
  const deliver = { data: (_chunk: Uint8Array): void => {} };
  const socket = tls ? await connectTls(port) : await connectOnRead(port, deliver);
  return {
    kind: "push",
    byobFill: "respond",
    borrowed: !tls,
    listen(data, fail) {
      if (tls) socket.on("data", data);
      else deliver.data = data;
      socket.once("error", fail);
    },
    pause: () => socket.pause(),
    resume: () => socket.resume(),
    write: (bytes) => void socket.write(bytes),
    close: () => socket.destroy(),
  };
}

/**
 * The connection under the upload floor (upload-floor.ts): `socket.write`,
 * waiting for 'drain' when Node's buffer is over its mark, as ours writes.
 */
export async function nodeUpload(port: number): Promise<UploadConnection> {
  const socket = await connectPlain(port);
  let failWrite: ((error: Error) => void) | null = null;
  const reply = new Promise<string>((resolve, reject) => {
    let text = "";
    socket.on("data", (data: Buffer) => {
      text += data.toString("latin1");
      if (text.includes("\n")) resolve(text);
    });
    failOn(socket, (error) => {
      reject(error);
      failWrite?.(error);
    });
  });
  // Observed by reply() once the writes are done; a failure before then also fails the write.
  reply.catch(() => {});
  return {
    write: (bytes) => {
      if (socket.write(bytes)) return;
      return new Promise((resolve, reject) => {
        failWrite = reject;
        socket.once("drain", () => {
          failWrite = null;
          resolve();
        });
      });
    },
    closeWrite: () => new Promise((resolve) => socket.end(resolve)),
    reply: () => reply,
    close: () => socket.destroy(),
  };
}

async function uploadOnce(
  ctx: WorkloadContext | null,
  port: number,
  bytes: number,
  chunkBytes: number,
): Promise<{ ms: number; total: number }> {
  const socket = await connectPlain(port);
  const chunk = new Uint8Array(chunkBytes).fill(0x5a);
  const chunks = Math.ceil(bytes / chunkBytes);
  ctx?.mark("start");
  const start = now();
  const reply = await new Promise<string>((resolve, reject) => {
    let text = "";
    socket.on("data", (data: Buffer) => {
      text += data.toString("latin1");
      if (text.includes("\n")) resolve(text.trim());
    });
    failOn(socket, reject);
    let sent = 0;
    const write = () => {
      while (sent < chunks) {
        sent++;
        if (!socket.write(chunk)) {
          socket.once("drain", write);
          return;
        }
      }
      socket.end();
    };
    write();
  });
  const elapsed = now() - start;
  ctx?.mark("end");
  socket.destroy();
  const total = chunks * chunkBytes;
  if (Number(reply) !== total) throw new Error(`the server received ${reply} of ${total} bytes`);
  return { ms: elapsed, total };
}

/** Native connect and close for the churn floor (churn-floor.ts): one getsockname for both fields. */
export const nodeChurn: NativeChurn<Socket> = {
  connect: connectPlain,
  localAddress: (socket) => `${socket.localAddress}:${socket.localPort}`,
  destroy: (socket) => socket.destroy(),
};

export const nodeNative: Candidate = {
  download: download(false),
  // node:net has no BYOB read; 'data' events are the native baseline for both readers.
  "download-byob": download(false),
  "tls-download": download(true),

  upload: async (ctx) => {
    const { uploadChunk, bulkBytes } = ctx.scale;
    await uploadOnce(null, ctx.ports.sink, bulkWarmup(bulkBytes), uploadChunk);
    const { ms, total } = await uploadOnce(ctx, ctx.ports.sink, bulkBytes, uploadChunk);
    return { value: mbPerSecond(total, ms) };
  },

  pingpong: async (ctx) => {
    const { roundTrips, messageBytes } = ctx.scale;
    const socket = await connectPlain(ctx.ports.echo);
    const message = new Uint8Array(messageBytes).fill(0x61);
    const warm = warmup(roundTrips, 200, 2000);
    const rtts = new Float64Array(roundTrips);
    await new Promise<void>((resolve, reject) => {
      let i = -warm;
      let got = 0;
      let start = 0;
      socket.on("data", (chunk: Buffer) => {
        got += chunk.length;
        if (got < messageBytes) return;
        got = 0;
        if (i >= 0) rtts[i] = now() - start;
        i++;
        if (i === 0) ctx.mark("start");
        if (i === roundTrips) {
          resolve();
          return;
        }
        start = now();
        socket.write(message);
      });
      failOn(socket, reject);
      if (i === 0) ctx.mark("start");
      start = now();
      socket.write(message);
    });
    ctx.mark("end");
    socket.destroy();
    return {
      value: median(rtts) * 1000,
      extra: { meanUs: (rtts.reduce((a, b) => a + b, 0) / roundTrips) * 1000 },
    };
  },

  churn: async (ctx) => {
    const cycle = async () => (await connectPlain(ctx.ports.hold)).destroy();
    const n = ctx.scale.churnConnections;
    for (let i = Math.min(500, Math.max(50, n >> 2)); i > 0; i--) await cycle();
    ctx.mark("start");
    const start = now();
    for (let i = 0; i < n; i++) await cycle();
    const ms = now() - start;
    ctx.mark("end");
    return { value: n / (ms / 1e3) };
  },

  "tls-handshake": async (ctx) => {
    const cycle = async () => (await connectTls(ctx.ports.tlsHold)).destroy();
    const n = ctx.scale.tlsHandshakes;
    for (let i = warmup(n, 5, 50); i > 0; i--) await cycle();
    ctx.mark("start");
    const start = now();
    for (let i = 0; i < n; i++) await cycle();
    const ms = now() - start;
    ctx.mark("end");
    return { value: n / (ms / 1e3) };
  },

  starttls: async (ctx) => {
    const once = async (): Promise<number> => {
      const raw = await connectPlain(ctx.ports.starttls);
      const greeting = await readExactly(raw, STARTTLS_GREETING.length);
      if (greeting !== STARTTLS_GREETING) throw new Error(`unexpected greeting "${greeting}"`);
      raw.write(STARTTLS_COMMAND);
      const goAhead = await readExactly(raw, STARTTLS_GO_AHEAD.length);
      if (goAhead !== STARTTLS_GO_AHEAD) throw new Error(`unexpected reply "${goAhead}"`);
      const start = now();
      const secure = tlsConnect({ socket: raw, host: HOST, secureContext: secureContext() });
      secure.write(STARTTLS_PROBE);
      const echoed = await readExactly(secure, STARTTLS_PROBE.length);
      const elapsed = now() - start;
      if (echoed !== STARTTLS_PROBE) throw new Error(`unexpected echo "${echoed}"`);
      secure.destroy();
      return elapsed;
    };
    const n = ctx.scale.starttlsUpgrades;
    for (let i = warmup(n, 5, 30); i > 0; i--) await once();
    const times = new Float64Array(n);
    ctx.mark("start");
    for (let i = 0; i < n; i++) times[i] = await once();
    ctx.mark("end");
    return { value: median(times) * 1000 };
  },

  "idle-memory": async (ctx) => {
    const n = ctx.scale.idleSockets;
    const open = async (count: number) => {
      const sockets: Socket[] = [];
      for (let i = 0; i < count; i += 100) {
        const batch = await Promise.all(
          Array.from({ length: Math.min(100, count - i) }, () => connectPlain(ctx.ports.hold)),
        );
        sockets.push(...batch);
      }
      // Each idle socket is reading, as a driver's socket is.
      for (const socket of sockets) {
        socket.on("data", () => {});
        socket.on("error", () => {});
      }
      return sockets;
    };
    const warm = await open(Math.min(100, n));
    for (const socket of warm) socket.destroy();
    await settle(ctx);
    const before = ctx.memory();
    ctx.mark("start");
    const held = await open(n);
    await settle(ctx);
    const after = ctx.memory();
    ctx.mark("end");
    for (const socket of held) socket.destroy();
    if (before === null || after === null) throw new Error("this runtime reports no memory usage");
    return {
      value: (after.rss - before.rss) / n,
      extra: { heapPerSocket: (after.heap - before.heap) / n },
    };
  },
};

// Native sockets have no reader kinds: one idle socket is the baseline for both memory workloads.
nodeNative["idle-memory-byob"] = nodeNative["idle-memory"];
