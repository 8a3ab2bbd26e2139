/**
 * The native baseline on Deno: `Deno.connect` (plus `setNoDelay`, as ours
 * does) and `Deno.startTls` for TLS, reading with `conn.read` into a 64 KiB
 * buffer and writing with `conn.write`. TLS connections are made with
 * `connect` + `setNoDelay` + `startTls`, not `Deno.connectTls`: the latter
 * cannot turn Nagle off and stalls each handshake about 40 ms on loopback
 * (research/runtimes.md), so it is not the least-overhead way.
 * https://docs.deno.com/api/deno/~/Deno.connect
 */
import type { NativeChurn } from "./churn-floor.js";
import type { PullConnection } from "./download-floor.js";
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
  IDLE_READ_BYTES,
  type Sample,
  STARTTLS_COMMAND,
  STARTTLS_GO_AHEAD,
  STARTTLS_GREETING,
  STARTTLS_PROBE,
} from "./protocol.js";
import type { UploadConnection } from "./upload-floor.js";

interface Conn {
  read(p: Uint8Array): Promise<number | null>;
  write(p: Uint8Array): Promise<number>;
  closeWrite(): Promise<void>;
  close(): void;
}
interface TcpConn extends Conn {
  setNoDelay(noDelay?: boolean): void;
  readonly localAddr: { readonly hostname: string; readonly port: number };
}
interface TlsConn extends Conn {
  handshake(): Promise<unknown>;
}
interface DenoApi {
  connect(options: { hostname: string; port: number }): Promise<TcpConn>;
  startTls(conn: TcpConn, options: { hostname: string }): Promise<TlsConn>;
}
const Deno = (globalThis as unknown as { Deno: DenoApi }).Deno;

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const READ_BUFFER = 64 * 1024;

async function connectPlain(port: number): Promise<TcpConn> {
  const conn = await Deno.connect({ hostname: HOST, port });
  conn.setNoDelay(true);
  return conn;
}

async function connectTls(port: number): Promise<TlsConn> {
  const conn = await Deno.startTls(await connectPlain(port), { hostname: HOST });
  await conn.handshake();
  return conn;
}

async function writeAll(conn: Conn, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.byteLength) offset += await conn.write(bytes.subarray(offset));
}

async function readExactly(conn: Conn, n: number): Promise<string> {
  const buffer = new Uint8Array(n);
  let got = 0;
  while (got < n) {
    const r = await conn.read(buffer.subarray(got));
    if (r === null) throw new Error(`the connection ended after ${got} of ${n} bytes`);
    got += r;
  }
  return decoder.decode(buffer);
}

function close(conn: Conn): void {
  try {
    conn.close();
  } catch {
    // Already closed by the runtime.
  }
}

async function downloadOnce(
  ctx: WorkloadContext | null,
  port: number,
  bytes: number,
  tls: boolean,
): Promise<{ ms: number; chunks: number }> {
  const conn = tls ? await connectTls(port) : await connectPlain(port);
  const buffer = new Uint8Array(READ_BUFFER);
  ctx?.mark("start");
  const start = now();
  await writeAll(conn, encoder.encode(`${bytes}\n`));
  let got = 0;
  let chunks = 0;
  while (got < bytes) {
    const n = await conn.read(buffer);
    if (n === null) break;
    got += n;
    chunks++;
  }
  const ms = now() - start;
  ctx?.mark("end");
  close(conn);
  if (got !== bytes) throw new Error(`downloaded ${got} of ${bytes} bytes`);
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

/** The connection under the download floor (download-floor.ts): `conn.read`, as native reads. */
export async function denoDownload(port: number, tls: boolean): Promise<PullConnection> {
  const conn = tls ? await connectTls(port) : await connectPlain(port);
  return {
    kind: "pull",
    read: (view) => conn.read(view),
    write: (bytes) => writeAll(conn, bytes),
    close: () => close(conn),
  };
}

/** The connection under the upload floor (upload-floor.ts): a `conn.write` loop, as native writes. */
export async function denoUpload(port: number): Promise<UploadConnection> {
  const conn = await connectPlain(port);
  return {
    write: (bytes) => writeAll(conn, bytes),
    closeWrite: () => conn.closeWrite(),
    reply: async () => {
      const buffer = new Uint8Array(64);
      let text = "";
      while (!text.includes("\n")) {
        const n = await conn.read(buffer);
        if (n === null) break;
        text += decoder.decode(buffer.subarray(0, n), { stream: true });
      }
      return text;
    },
    close: () => close(conn),
  };
}

async function uploadOnce(
  ctx: WorkloadContext | null,
  port: number,
  bytes: number,
  chunkBytes: number,
) {
  const conn = await connectPlain(port);
  const chunk = new Uint8Array(chunkBytes).fill(0x5a);
  const chunks = Math.ceil(bytes / chunkBytes);
  ctx?.mark("start");
  const start = now();
  for (let i = 0; i < chunks; i++) await writeAll(conn, chunk);
  await conn.closeWrite();
  const buffer = new Uint8Array(64);
  let reply = "";
  while (!reply.includes("\n")) {
    const n = await conn.read(buffer);
    if (n === null) break;
    reply += decoder.decode(buffer.subarray(0, n));
  }
  const ms = now() - start;
  ctx?.mark("end");
  close(conn);
  const total = chunks * chunkBytes;
  if (Number(reply.trim()) !== total)
    throw new Error(`the server received ${reply.trim()} of ${total} bytes`);
  return { ms, total };
}

async function idleMemory(ctx: WorkloadContext): Promise<Sample> {
  const n = ctx.scale.idleSockets;
  const open = async (count: number) => {
    const conns: TcpConn[] = [];
    for (let i = 0; i < count; i += 100) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(100, count - i) }, () => connectPlain(ctx.ports.hold)),
      );
      conns.push(...batch);
    }
    // Each idle connection waits in a read into a buffer of its own, of the
    // size a buffered protocol reader waits with (4 KiB). Native code has
    // one kind of read: it is the baseline for both idle-memory workloads.
    const reads = conns.map((c) => c.read(new Uint8Array(IDLE_READ_BYTES)).catch(() => null));
    return { conns, reads };
  };
  const warm = await open(Math.min(100, n));
  for (const c of warm.conns) close(c);
  await settle(ctx);
  const before = ctx.memory();
  ctx.mark("start");
  const held = await open(n);
  await settle(ctx);
  const after = ctx.memory();
  ctx.mark("end");
  for (const c of held.conns) close(c);
  if (before === null || after === null) throw new Error("this runtime reports no memory usage");
  return {
    value: (after.rss - before.rss) / n,
    extra: { heapPerSocket: (after.heap - before.heap) / n },
  };
}

/** Native connect and close for the churn floor (churn-floor.ts). */
export const denoChurn: NativeChurn<TcpConn> = {
  connect: connectPlain,
  localAddress: (conn) => `${conn.localAddr.hostname}:${conn.localAddr.port}`,
  destroy: close,
};

export const denoNative: Candidate = {
  download: download(false),
  // conn.read already reads into the caller's buffer: it is the baseline for both readers.
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
    const conn = await connectPlain(ctx.ports.echo);
    const message = new Uint8Array(messageBytes).fill(0x61);
    const buffer = new Uint8Array(READ_BUFFER);
    const warm = warmup(roundTrips, 200, 2000);
    const rtts = new Float64Array(roundTrips);
    for (let i = -warm; i < roundTrips; i++) {
      if (i === 0) ctx.mark("start");
      const start = now();
      await writeAll(conn, message);
      let got = 0;
      while (got < messageBytes) {
        const n = await conn.read(buffer);
        if (n === null) throw new Error("the echo server closed the connection");
        got += n;
      }
      if (i >= 0) rtts[i] = now() - start;
    }
    ctx.mark("end");
    close(conn);
    return {
      value: median(rtts) * 1000,
      extra: { meanUs: (rtts.reduce((a, b) => a + b, 0) / roundTrips) * 1000 },
    };
  },

  churn: async (ctx) => {
    const cycle = async () => close(await connectPlain(ctx.ports.hold));
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
    const cycle = async () => close(await connectTls(ctx.ports.tlsHold));
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
    const probe = encoder.encode(STARTTLS_PROBE);
    const once = async (): Promise<number> => {
      const raw = await connectPlain(ctx.ports.starttls);
      const greeting = await readExactly(raw, STARTTLS_GREETING.length);
      if (greeting !== STARTTLS_GREETING) throw new Error(`unexpected greeting "${greeting}"`);
      await writeAll(raw, encoder.encode(STARTTLS_COMMAND));
      const goAhead = await readExactly(raw, STARTTLS_GO_AHEAD.length);
      if (goAhead !== STARTTLS_GO_AHEAD) throw new Error(`unexpected reply "${goAhead}"`);
      const start = now();
      const secure = await Deno.startTls(raw, { hostname: HOST });
      await writeAll(secure, probe);
      const echoed = await readExactly(secure, probe.byteLength);
      const elapsed = now() - start;
      if (echoed !== STARTTLS_PROBE) throw new Error(`unexpected echo "${echoed}"`);
      close(secure);
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

  "idle-memory": idleMemory,
  "idle-memory-byob": idleMemory,
};
