/**
 * The workloads written against the Sockets API (`connect()` → readable,
 * writable, opened, close, startTls), the way an application or driver would
 * write them. The same code measures @sockets/connect on every runtime and
 * @arrowood.dev/socket on Node.
 */
import {
  bulkWarmup,
  type Candidate,
  latency,
  mbPerSecond,
  now,
  settle,
  type Workload,
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
import { readDownload } from "./read-loop.js";
import { writeUpload } from "./write-loop.js";

/** The part of the Socket interface the workloads use; both libraries fit it. */
export interface WebSocketLike {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
  close(): Promise<void>;
  startTls(): WebSocketLike;
}

export type ConnectLike = (
  address: { hostname: string; port: number },
  options?: { secureTransport?: "off" | "on" | "starttls" },
) => WebSocketLike;

export interface WebCandidateOptions {
  connect: ConnectLike;
  /**
   * Resolves once the socket is connected (for TLS, once the handshake is
   * done). `socket.opened` for spec implementations; a library without
   * `opened` supplies its own.
   */
  opened(socket: WebSocketLike, tls: boolean): Promise<unknown>;
  /** Set when the library's readable is not a byte stream. */
  noByob?: string;
  /** Set when the library cannot do STARTTLS. */
  noStartTls?: string;
}

const encoder = new TextEncoder();

type Reader = ReadableStreamDefaultReader<Uint8Array>;

/** Reads until `expected` bytes have arrived; returns them as text (they are short lines). */
async function readExactly(reader: Reader, expected: number): Promise<string> {
  let text = "";
  let got = 0;
  const decoder = new TextDecoder();
  while (got < expected) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the connection ended after ${got} of ${expected} bytes`);
    got += value.byteLength;
    text += decoder.decode(value, { stream: true });
  }
  return text;
}

/** Reads up to and including the first newline. */
async function readLine(reader: Reader): Promise<string> {
  let text = "";
  const decoder = new TextDecoder();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the connection ended before a full line (got "${text}")`);
    text += decoder.decode(value, { stream: true });
    const newline = text.indexOf("\n");
    if (newline !== -1) return text.slice(0, newline);
  }
}

export function webCandidate(lib: WebCandidateOptions): Candidate {
  const { connect, opened } = lib;

  /**
   * One download of `bytes`: the request line, then reads until every byte
   * is in (not until EOF: the byte count is known, and EOF handling differs
   * between libraries). Returns milliseconds.
   */
  async function downloadOnce(
    ctx: WorkloadContext | null,
    port: number,
    bytes: number,
    mode: "default" | "byob",
    tls: boolean,
  ): Promise<{ ms: number; chunks: number }> {
    const socket = connect({ hostname: HOST, port }, tls ? { secureTransport: "on" } : undefined);
    await opened(socket, tls);
    const writer = socket.writable.getWriter();
    ctx?.mark("start");
    const start = now();
    await writer.write(encoder.encode(`${bytes}\n`));
    const { got, chunks } = await readDownload(socket.readable, bytes, mode);
    const elapsed = now() - start;
    ctx?.mark("end");
    await socket.close();
    if (got !== bytes) throw new Error(`downloaded ${got} of ${bytes} bytes`);
    return { ms: elapsed, chunks };
  }

  function download(mode: "default" | "byob", tls: boolean) {
    return async (ctx: WorkloadContext): Promise<Sample> => {
      const bytes = tls ? ctx.scale.tlsBulkBytes : ctx.scale.bulkBytes;
      const port = tls ? ctx.ports.tlsSource : ctx.ports.source;
      await downloadOnce(null, port, bulkWarmup(bytes), mode, tls);
      const { ms, chunks } = await downloadOnce(ctx, port, bytes, mode, tls);
      return { value: mbPerSecond(bytes, ms), extra: { chunkBytes: bytes / chunks } };
    };
  }

  async function uploadOnce(
    ctx: WorkloadContext | null,
    port: number,
    bytes: number,
    chunkBytes: number,
  ): Promise<{ ms: number; total: number }> {
    const socket = connect({ hostname: HOST, port });
    await opened(socket, false);
    const writer = socket.writable.getWriter();
    const reader = socket.readable.getReader();
    const chunk = new Uint8Array(chunkBytes).fill(0x5a);
    ctx?.mark("start");
    const start = now();
    const total = await writeUpload(writer, chunk, bytes);
    const reply = await readLine(reader);
    const elapsed = now() - start;
    ctx?.mark("end");
    await socket.close();
    if (Number(reply) !== total) throw new Error(`the server received ${reply} of ${total} bytes`);
    return { ms: elapsed, total };
  }
  /**
   * 1,000 idle sockets as a driver keeps them: a writer acquired and a read
   * waiting for the server's next message, through a default reader or a
   * BYOB reader with a 4 KiB buffer of its own.
   */
  function idleMemory(mode: "default" | "byob"): Workload {
    return async (ctx) => {
      const n = ctx.scale.idleSockets;
      const open = async (count: number) => {
        const sockets: WebSocketLike[] = [];
        for (let i = 0; i < count; i += 100) {
          const batch = Array.from({ length: Math.min(100, count - i) }, () =>
            connect({ hostname: HOST, port: ctx.ports.hold }),
          );
          await Promise.all(batch.map((s) => opened(s, false)));
          sockets.push(...batch);
        }
        const writers = sockets.map((s) => s.writable.getWriter());
        const readers = sockets.map((s) =>
          mode === "byob" ? s.readable.getReader({ mode: "byob" }) : s.readable.getReader(),
        );
        const reads = readers.map((r) =>
          (mode === "byob"
            ? (r as ReadableStreamBYOBReader).read(new Uint8Array(IDLE_READ_BYTES))
            : (r as Reader).read()
          ).catch(() => undefined),
        );
        return { sockets, writers, readers, reads };
      };
      const closeAll = async (sockets: WebSocketLike[]) => {
        await Promise.all(sockets.map((s) => s.close().catch(() => undefined)));
      };
      // Warm up the code paths so the baseline already holds the compiled code.
      const warm = await open(Math.min(100, n));
      await closeAll(warm.sockets);
      await settle(ctx);
      const before = ctx.memory();
      ctx.mark("start");
      const held = await open(n);
      await settle(ctx);
      const after = ctx.memory();
      ctx.mark("end");
      if (before === null || after === null)
        throw new Error("this runtime reports no memory usage");
      const result = {
        value: (after.rss - before.rss) / n,
        extra: { heapPerSocket: (after.heap - before.heap) / n },
      };
      await closeAll(held.sockets);
      return result;
    };
  }

  const candidate: Candidate = {
    download: download("default", false),
    "download-byob": lib.noByob ?? download("byob", false),
    "tls-download": download("default", true),

    upload: async (ctx) => {
      const { uploadChunk, bulkBytes } = ctx.scale;
      await uploadOnce(null, ctx.ports.sink, bulkWarmup(bulkBytes), uploadChunk);
      const { ms, total } = await uploadOnce(ctx, ctx.ports.sink, bulkBytes, uploadChunk);
      return { value: mbPerSecond(total, ms) };
    },

    pingpong: async (ctx) => {
      const { roundTrips, messageBytes } = ctx.scale;
      const socket = connect({ hostname: HOST, port: ctx.ports.echo });
      await opened(socket, false);
      const writer = socket.writable.getWriter();
      const reader = socket.readable.getReader();
      const message = new Uint8Array(messageBytes).fill(0x61);
      const warm = warmup(roundTrips, 200, 2000);
      const rtts = new Float64Array(roundTrips);
      let windowStart = 0;
      for (let i = -warm; i < roundTrips; i++) {
        if (i === 0) {
          ctx.mark("start");
          windowStart = now();
        }
        const start = now();
        const written = writer.write(message);
        let got = 0;
        while (got < messageBytes) {
          const { value, done } = await reader.read();
          if (done) throw new Error("the echo server closed the connection");
          got += value.byteLength;
        }
        await written;
        if (i >= 0) rtts[i] = now() - start;
      }
      const windowMs = now() - windowStart;
      ctx.mark("end");
      await socket.close();
      return {
        value: latency(ctx, rtts) * 1000,
        extra: { meanUs: (windowMs / roundTrips) * 1000 },
      };
    },

    churn: async (ctx) => {
      const cycle = async () => {
        const socket = connect({ hostname: HOST, port: ctx.ports.hold });
        await opened(socket, false);
        await socket.close();
      };
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
      const cycle = async () => {
        const socket = connect(
          { hostname: HOST, port: ctx.ports.tlsHold },
          { secureTransport: "on" },
        );
        await opened(socket, true);
        await socket.close();
      };
      const n = ctx.scale.tlsHandshakes;
      for (let i = warmup(n, 5, 50); i > 0; i--) await cycle();
      ctx.mark("start");
      const start = now();
      for (let i = 0; i < n; i++) await cycle();
      const ms = now() - start;
      ctx.mark("end");
      return { value: n / (ms / 1e3) };
    },

    starttls:
      lib.noStartTls ??
      (async (ctx) => {
        const probe = encoder.encode(STARTTLS_PROBE);
        const command = encoder.encode(STARTTLS_COMMAND);
        /** One connection: greeting, STARTTLS, then the timed upgrade up to the first echoed bytes. */
        const once = async (): Promise<number> => {
          const socket = connect(
            { hostname: HOST, port: ctx.ports.starttls },
            { secureTransport: "starttls" },
          );
          await opened(socket, false);
          const writer = socket.writable.getWriter();
          const reader = socket.readable.getReader();
          const greeting = await readExactly(reader, STARTTLS_GREETING.length);
          if (greeting !== STARTTLS_GREETING) throw new Error(`unexpected greeting "${greeting}"`);
          await writer.write(command);
          const goAhead = await readExactly(reader, STARTTLS_GO_AHEAD.length);
          if (goAhead !== STARTTLS_GO_AHEAD) throw new Error(`unexpected reply "${goAhead}"`);
          reader.releaseLock();
          writer.releaseLock();
          const start = now();
          const secure = socket.startTls();
          const secureWriter = secure.writable.getWriter();
          const secureReader = secure.readable.getReader();
          const written = secureWriter.write(probe);
          const echoed = await readExactly(secureReader, probe.byteLength);
          await written;
          const elapsed = now() - start;
          if (echoed !== STARTTLS_PROBE) throw new Error(`unexpected echo "${echoed}"`);
          await secure.close();
          return elapsed;
        };
        const n = ctx.scale.starttlsUpgrades;
        for (let i = warmup(n, 5, 30); i > 0; i--) await once();
        const times = new Float64Array(n);
        ctx.mark("start");
        for (let i = 0; i < n; i++) times[i] = await once();
        ctx.mark("end");
        return { value: latency(ctx, times) * 1000 };
      }),

    "idle-memory": idleMemory("default"),
    "idle-memory-byob": lib.noByob ?? idleMemory("byob"),
  };
  return candidate;
}
