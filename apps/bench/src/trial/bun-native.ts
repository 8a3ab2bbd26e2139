/**
 * The native baseline on Bun: `Bun.connect` with socket handlers (one shared
 * handler set, per-socket state in `socket.data`), `upgradeTLS` for STARTTLS.
 * TLS is verified in the `handshake` handler: `Bun.connect` resolves before
 * the handshake (research/runtimes.md). https://bun.sh/docs/api/tcp
 */
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

/** What a socket does with its events; swapped as a workload moves on. */
interface State {
  data(chunk: Uint8Array): void;
  drain(): void;
  fail(error: Error): void;
  opened(): void;
}

interface BunSocket {
  data: State;
  readonly localAddress: string;
  readonly localPort: number;
  write(data: Uint8Array | string, byteOffset?: number, byteLength?: number): number;
  end(): void;
  setNoDelay(noDelay?: boolean): boolean;
  pause(): void;
  resume(): void;
  upgradeTLS(options: {
    tls: { serverName?: string };
    socket: Handlers;
    data?: State;
  }): [BunSocket, BunSocket];
}

interface Handlers {
  binaryType: "uint8array";
  open(socket: BunSocket): void;
  data(socket: BunSocket, chunk: Uint8Array): void;
  drain(socket: BunSocket): void;
  close(socket: BunSocket, error?: Error): void;
  error(socket: BunSocket, error: Error): void;
  connectError(socket: BunSocket, error: Error): void;
  handshake(socket: BunSocket, success: boolean, authorizationError: Error | null): void;
  end(socket: BunSocket): void;
}

interface BunApi {
  connect(options: {
    hostname: string;
    port: number;
    tls?: boolean;
    data: State;
    socket: Handlers;
  }): Promise<BunSocket>;
}
const Bun = (globalThis as unknown as { Bun: BunApi }).Bun;

const noop = () => {};

function state(): State {
  return { data: noop, drain: noop, fail: noop, opened: noop };
}

/** Plain sockets are usable at `open`; TLS ones after a verified `handshake`. */
function handlers(tls: boolean): Handlers {
  return {
    binaryType: "uint8array",
    open(socket) {
      if (!tls) socket.data.opened();
    },
    handshake(socket, success, authorizationError) {
      if (success && authorizationError === null) socket.data.opened();
      else socket.data.fail(authorizationError ?? new Error("TLS handshake failed"));
    },
    data(socket, chunk) {
      socket.data.data(chunk);
    },
    drain(socket) {
      socket.data.drain();
    },
    close(socket, error) {
      socket.data.fail(error ?? new Error("the connection closed"));
    },
    error(socket, error) {
      socket.data.fail(error);
    },
    connectError(socket, error) {
      socket.data.fail(error);
    },
    end(socket) {
      socket.data.fail(new Error("the peer ended the connection"));
    },
  };
}
const PLAIN = handlers(false);
const SECURE = handlers(true);

function open(port: number, tls: boolean): Promise<BunSocket> {
  const s = state();
  return new Promise((resolve, reject) => {
    let socket: BunSocket | null = null;
    let ready = false;
    s.fail = reject;
    s.opened = () => {
      ready = true;
      if (socket !== null) finish();
    };
    const finish = () => {
      socket!.setNoDelay(true);
      s.fail = noop;
      s.opened = noop;
      resolve(socket!);
    };
    Bun.connect({ hostname: HOST, port, tls, data: s, socket: tls ? SECURE : PLAIN }).then(
      (sock) => {
        socket = sock;
        if (ready) finish();
      },
      reject,
    );
  });
}

/** Writes everything, waiting for `drain` when Bun takes only part of it. */
function writeAll(socket: BunSocket, bytes: Uint8Array): Promise<void> | void {
  let offset = socket.write(bytes);
  if (offset === bytes.byteLength) return;
  if (offset < 0) throw new Error("the socket is closed");
  return new Promise((resolve, reject) => {
    socket.data.fail = reject;
    socket.data.drain = () => {
      const n = socket.write(bytes, offset, bytes.byteLength - offset);
      if (n < 0) return reject(new Error("the socket is closed"));
      offset += n;
      if (offset === bytes.byteLength) {
        socket.data.drain = noop;
        socket.data.fail = noop;
        resolve();
      }
    };
  });
}

/** Collects `n` bytes as text (short protocol lines). */
function readExactly(socket: BunSocket, n: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    const decoder = new TextDecoder();
    socket.data.fail = reject;
    socket.data.data = (chunk) => {
      text += decoder.decode(chunk, { stream: true });
      if (text.length >= n) {
        socket.data.data = noop;
        socket.data.fail = noop;
        resolve(text);
      }
    };
  });
}

async function downloadOnce(
  ctx: WorkloadContext | null,
  port: number,
  bytes: number,
  tls: boolean,
) {
  const socket = await open(port, tls);
  ctx?.mark("start");
  let chunks = 0;
  const start = now();
  const ms = await new Promise<number>((resolve, reject) => {
    let got = 0;
    socket.data.fail = reject;
    socket.data.data = (chunk) => {
      got += chunk.byteLength;
      chunks++;
      if (got >= bytes) {
        socket.data.fail = noop;
        resolve(now() - start);
      }
    };
    socket.write(`${bytes}\n`);
  });
  ctx?.mark("end");
  socket.end();
  return { ms, chunks };
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

/** The connection under the download floor (download-floor.ts): the data handler, as native reads. */
export async function bunDownload(port: number, tls: boolean): Promise<PushConnection> {
  const socket = await open(port, tls);
  return {
    kind: "push",
    byobFill: "enqueue",
    borrowed: false,
    listen(data, fail) {
      socket.data.data = data;
      socket.data.fail = fail;
    },
    pause: () => socket.pause(),
    resume: () => socket.resume(),
    write: (bytes) => void socket.write(bytes),
    close: () => {
      socket.data.fail = noop;
      socket.end();
    },
  };
}

/**
 * The connection under the upload floor (upload-floor.ts): `socket.write`
 * returns the bytes Bun took, the rest goes out on `drain`, as ours writes.
 */
export async function bunUpload(port: number): Promise<UploadConnection> {
  const socket = await open(port, false);
  let rest: Uint8Array | null = null;
  let wrote = noop;
  let failWrite: (error: Error) => void = noop;
  const reply = new Promise<string>((resolve, reject) => {
    let text = "";
    const decoder = new TextDecoder();
    socket.data.data = (data) => {
      text += decoder.decode(data, { stream: true });
      if (text.includes("\n")) resolve(text);
    };
    socket.data.fail = (error) => {
      reject(error);
      failWrite(error);
    };
  });
  // Observed by reply() once the writes are done; a failure before then also fails the write.
  reply.catch(noop);
  socket.data.drain = () => {
    if (rest === null) return;
    const n = socket.write(rest);
    if (n < 0) return failWrite(new Error("the socket is closed"));
    if (n < rest.byteLength) rest = rest.subarray(n);
    else {
      rest = null;
      wrote();
    }
  };
  return {
    write: (bytes) => {
      const n = socket.write(bytes);
      if (n === bytes.byteLength) return;
      if (n < 0) throw new Error("the socket is closed");
      return new Promise((resolve, reject) => {
        rest = bytes.subarray(n);
        wrote = resolve;
        failWrite = reject;
      });
    },
    // Half-close: Bun's end() would close both directions (research/runtimes.md).
    closeWrite: () => (socket as unknown as { shutdown(): void }).shutdown(),
    reply: () => reply,
    close: () => {
      socket.data.fail = noop;
      socket.end();
    },
  };
}

async function uploadOnce(
  ctx: WorkloadContext | null,
  port: number,
  bytes: number,
  chunkBytes: number,
) {
  const socket = await open(port, false);
  const chunk = new Uint8Array(chunkBytes).fill(0x5a);
  const chunks = Math.ceil(bytes / chunkBytes);
  ctx?.mark("start");
  const start = now();
  const reply = new Promise<string>((resolve, reject) => {
    let text = "";
    socket.data.data = (data) => {
      text += new TextDecoder().decode(data);
      if (text.includes("\n")) resolve(text.trim());
    };
    socket.data.fail = reject;
  });
  for (let i = 0; i < chunks; i++) await writeAll(socket, chunk);
  // Half-close: Bun's end() would close both directions (research/runtimes.md).
  (socket as unknown as { shutdown(): void }).shutdown();
  const count = await reply;
  const ms = now() - start;
  ctx?.mark("end");
  socket.end();
  const total = chunks * chunkBytes;
  if (Number(count) !== total) throw new Error(`the server received ${count} of ${total} bytes`);
  return { ms, total };
}

/** Native connect and close for the churn floor (churn-floor.ts): each address getter asks Bun once. */
export const bunChurn: NativeChurn<BunSocket> = {
  connect: (port) => open(port, false),
  localAddress: (socket) => `${socket.localAddress}:${socket.localPort}`,
  destroy: (socket) => socket.end(),
};

export const bunNative: Candidate = {
  download: download(false),
  // Bun hands each read to the data handler: the baseline for both readers.
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
    const socket = await open(ctx.ports.echo, false);
    const message = new Uint8Array(messageBytes).fill(0x61);
    const warm = warmup(roundTrips, 200, 2000);
    const rtts = new Float64Array(roundTrips);
    await new Promise<void>((resolve, reject) => {
      let i = -warm;
      let got = 0;
      let start = 0;
      socket.data.fail = reject;
      socket.data.data = (chunk) => {
        got += chunk.byteLength;
        if (got < messageBytes) return;
        got = 0;
        if (i >= 0) rtts[i] = now() - start;
        i++;
        if (i === 0) ctx.mark("start");
        if (i === roundTrips) {
          socket.data.fail = noop;
          resolve();
          return;
        }
        start = now();
        socket.write(message);
      };
      start = now();
      socket.write(message);
    });
    ctx.mark("end");
    socket.end();
    return {
      value: median(rtts) * 1000,
      extra: { meanUs: (rtts.reduce((a, b) => a + b, 0) / roundTrips) * 1000 },
    };
  },

  churn: async (ctx) => {
    const cycle = async () => (await open(ctx.ports.hold, false)).end();
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
    const cycle = async () => (await open(ctx.ports.tlsHold, true)).end();
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
      const raw = await open(ctx.ports.starttls, false);
      const greeting = await readExactly(raw, STARTTLS_GREETING.length);
      if (greeting !== STARTTLS_GREETING) throw new Error(`unexpected greeting "${greeting}"`);
      raw.write(STARTTLS_COMMAND);
      const goAhead = await readExactly(raw, STARTTLS_GO_AHEAD.length);
      if (goAhead !== STARTTLS_GO_AHEAD) throw new Error(`unexpected reply "${goAhead}"`);
      const start = now();
      const s = state();
      const [, secure] = raw.upgradeTLS({ tls: { serverName: HOST }, socket: SECURE, data: s });
      await new Promise<void>((resolve, reject) => {
        s.opened = resolve;
        s.fail = reject;
      });
      const echoed = readExactly(secure, STARTTLS_PROBE.length);
      secure.write(STARTTLS_PROBE);
      const text = await echoed;
      const elapsed = now() - start;
      if (text !== STARTTLS_PROBE) throw new Error(`unexpected echo "${text}"`);
      secure.end();
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
    const openMany = async (count: number) => {
      const sockets: BunSocket[] = [];
      for (let i = 0; i < count; i += 100) {
        sockets.push(
          ...(await Promise.all(
            Array.from({ length: Math.min(100, count - i) }, () => open(ctx.ports.hold, false)),
          )),
        );
      }
      return sockets;
    };
    const warm = await openMany(Math.min(100, n));
    for (const s of warm) s.end();
    await settle(ctx);
    const before = ctx.memory();
    ctx.mark("start");
    const held = await openMany(n);
    await settle(ctx);
    const after = ctx.memory();
    ctx.mark("end");
    for (const s of held) s.end();
    if (before === null || after === null) throw new Error("this runtime reports no memory usage");
    return {
      value: (after.rss - before.rss) / n,
      extra: { heapPerSocket: (after.heap - before.heap) / n },
    };
  },
};

// Native sockets have no reader kinds: one idle socket is the baseline for both memory workloads.
bunNative["idle-memory-byob"] = bunNative["idle-memory"];
