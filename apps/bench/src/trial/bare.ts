/**
 * The bare cost of the web-streams machinery on this runtime, with no socket
 * at all: streams shaped like ours (a `type: "bytes"` ReadableStream with
 * highWaterMark 0, a WritableStream counting bytes) passing the same chunks
 * as the socket workloads. Whatever a library built on web streams does, it
 * pays at least this much on top of the native API; the report turns it into
 * the best ratio to native such a library can reach.
 *
 * Each workload reports a cost per unit (µs per chunk, per round trip, per
 * pair of streams; bytes per idle pair), not a socket measurement.
 */
import { type Candidate, median, now, settle, type WorkloadContext } from "./harness.js";
import { IDLE_READ_BYTES, type Sample } from "./protocol.js";

const CHUNK = 64 * 1024;

/** Runs `round(n)` (which returns µs per unit) a few times: the median after a warm-up round. */
async function measure(n: number, round: (n: number) => Promise<number>): Promise<number> {
  await round(Math.max(100, n >> 3));
  return median([await round(n), await round(n), await round(n)]);
}

async function perUnit(n: number, round: (n: number) => Promise<number>): Promise<Sample> {
  return { value: await measure(n, round) };
}

/**
 * Reading, both ways a backend can feed a byte stream: `value` for push
 * transports (a chunk handed to the read that waits), `extra.pull` for pull
 * transports (the transport reads into the request's view and responds).
 */
async function reading(n: number, mode: "default" | "byob", size = CHUNK): Promise<Sample> {
  let push = await measure(n, (k) => readChunks(k, mode, size, "respond"));
  // A push backend picks the faster of the two ways to fill a BYOB read on its
  // runtime (core's ReadMode.byobFill): the floor is the better one.
  if (mode === "byob") {
    // Enqueued chunks never come back to the pool (the reader keeps its own
    // buffer): count only the streams' part, since the runtime allocates a
    // buffer per read natively too.
    const enqueued = await measure(n, (k) => readChunks(k, mode, size, "enqueue"));
    const allocating = await measure(n, (k) => allocations(k, size));
    push = Math.min(push, Math.max(0, enqueued - allocating));
  }
  return { value: push, extra: { pull: await measure(n, (k) => readByResponding(k, mode, size)) } };
}

/** What `readChunks` spends allocating when no buffer comes back to its pool. */
async function allocations(n: number, size: number): Promise<number> {
  const start = now();
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    bytes += new Uint8Array(new ArrayBuffer(size)).byteLength;
    await null;
  }
  const us = ((now() - start) * 1000) / n;
  if (bytes !== n * size) throw new Error("unreachable");
  return us;
}

/**
 * Chunks from the "transport" are handed to the read that waits, as core's
 * PushReadSide does: a default read gets the chunk enqueued (buffers come back
 * to a pool once read, since the native API allocates as well); a BYOB read
 * gets the chunk copied into its view and `respond()`, or enqueued for the
 * stream to copy (`fill`). The copy is part of the floor: a push runtime's
 * data never arrive in the reader's buffer.
 */
async function readChunks(
  n: number,
  mode: "default" | "byob",
  size: number,
  fill: "respond" | "enqueue",
): Promise<number> {
  const pool: ArrayBuffer[] = [];
  const arrived = new Uint8Array(size).fill(7);
  let controller!: ReadableByteStreamController;
  const stream = new ReadableStream(
    {
      type: "bytes",
      start(c) {
        controller = c;
      },
      pull() {
        // workerd offers a byobRequest to default reads too: go by the mode.
        const request = mode === "byob" && fill === "respond" ? controller.byobRequest : null;
        const view = request?.view;
        if (request == null || view == null) {
          controller.enqueue(new Uint8Array(pool.pop() ?? new ArrayBuffer(size)));
          return;
        }
        const fit = Math.min(size, view.byteLength);
        new Uint8Array(view.buffer, view.byteOffset, fit).set(arrived.subarray(0, fit));
        request.respond(fit);
      },
    },
    { highWaterMark: 0 },
  );
  const start = now();
  if (mode === "default") {
    const reader = stream.getReader();
    for (let i = 0; i < n; i++) {
      const { value } = await reader.read();
      pool.push(value!.buffer as ArrayBuffer);
    }
  } else {
    const reader = stream.getReader({ mode: "byob" });
    let buffer = new ArrayBuffer(size);
    for (let i = 0; i < n; i++) {
      const { value } = await reader.read(new Uint8Array(buffer));
      buffer = value!.buffer as ArrayBuffer;
    }
  }
  return ((now() - start) * 1000) / n;
}

/**
 * A pull transport, as core's PullReadSide feeds it: a BYOB read is filled in
 * place and answered with `respond`; a default read fills a reused buffer and
 * the reader gets a right-sized copy. A default reader needs fresh memory per
 * chunk: that allocation is counted, since the native API (Deno's conn.read)
 * reuses one buffer.
 */
async function readByResponding(
  n: number,
  mode: "default" | "byob",
  size: number,
): Promise<number> {
  let controller!: ReadableByteStreamController;
  const scratch = new Uint8Array(CHUNK);
  const stream = new ReadableStream(
    {
      type: "bytes",
      start(c) {
        controller = c;
      },
      pull() {
        const request = controller.byobRequest;
        if (request !== null) request.respond(Math.min(size, request.view!.byteLength));
        else controller.enqueue(scratch.slice(0, size));
      },
    },
    { highWaterMark: 0 },
  );
  const start = now();
  if (mode === "default") {
    const reader = stream.getReader();
    for (let i = 0; i < n; i++) await reader.read();
  } else {
    const reader = stream.getReader({ mode: "byob" });
    let buffer = new ArrayBuffer(size);
    for (let i = 0; i < n; i++) {
      const { value } = await reader.read(new Uint8Array(buffer));
      buffer = value!.buffer as ArrayBuffer;
    }
  }
  return ((now() - start) * 1000) / n;
}

async function writeChunks(n: number): Promise<number> {
  let bytes = 0;
  const stream = new WritableStream<Uint8Array>(
    {
      write(chunk) {
        bytes += chunk.byteLength;
      },
    },
    {
      highWaterMark: CHUNK,
      size(chunk) {
        return chunk.byteLength;
      },
    },
  );
  const writer = stream.getWriter();
  const chunk = new Uint8Array(CHUNK);
  const start = now();
  for (let i = 0; i < n; i++) await writer.write(chunk);
  const us = ((now() - start) * 1000) / n;
  if (bytes !== n * CHUNK) throw new Error("lost writes");
  return us;
}

/** A message goes out through a writer and comes back through a reader, as in ping-pong. */
async function roundTrips(n: number, bytes: number): Promise<number> {
  let controller!: ReadableByteStreamController;
  const readable = new ReadableStream(
    {
      type: "bytes",
      start(c) {
        controller = c;
      },
    },
    { highWaterMark: 0 },
  );
  const writable = new WritableStream<Uint8Array>(
    {
      write(chunk) {
        // The "network" hands back a fresh buffer, as a socket read does.
        controller.enqueue(chunk.slice());
      },
    },
    {
      highWaterMark: CHUNK,
      size(chunk) {
        return chunk.byteLength;
      },
    },
  );
  const reader = readable.getReader();
  const writer = writable.getWriter();
  const message = new Uint8Array(bytes);
  const start = now();
  for (let i = 0; i < n; i++) {
    const written = writer.write(message);
    await reader.read();
    await written;
  }
  return ((now() - start) * 1000) / n;
}

function makePair() {
  const readable = new ReadableStream(
    { type: "bytes", start() {}, pull() {}, cancel() {} },
    { highWaterMark: 0 },
  );
  const writable = new WritableStream<Uint8Array>(
    { start() {}, write() {}, close() {}, abort() {} },
    {
      highWaterMark: CHUNK,
      size(chunk) {
        return chunk.byteLength;
      },
    },
  );
  return { readable, writable };
}

/**
 * Idle stream pairs, each with a writer and a pending read: through a default
 * reader, or a BYOB reader with the 4 KiB buffer a driver waits with. That
 * buffer is part of the interface's cost on push runtimes (their native
 * sockets hold no user buffer); on a pull runtime the native read holds the
 * same buffer, so `extra.pull` leaves it out.
 */
async function idlePairs(ctx: WorkloadContext, mode: "default" | "byob"): Promise<Sample> {
  const n = ctx.scale.idleSockets;
  const open = (count: number) =>
    Array.from({ length: count }, () => {
      const { readable, writable } = makePair();
      const reader = mode === "byob" ? readable.getReader({ mode: "byob" }) : readable.getReader();
      const read = (
        mode === "byob"
          ? (reader as ReadableStreamBYOBReader).read(new Uint8Array(IDLE_READ_BYTES))
          : (reader as ReadableStreamDefaultReader<Uint8Array>).read()
      ).catch(() => undefined);
      return { reader, read, writer: writable.getWriter() };
    });
  // Warmed up with at most 100 pairs, as the socket candidates are: warming
  // up with all n left n pairs' worth of freed heap and malloc memory for
  // the measured pairs to reuse, so the floor read low (a 1,000 × 4 KiB BYOB
  // buffer set cost Node 20 almost no RSS).
  open(Math.min(100, n));
  await settle(ctx);
  const before = ctx.memory();
  const held = open(n);
  await settle(ctx);
  const after = ctx.memory();
  if (before === null || after === null) throw new Error("this runtime reports no memory usage");
  const value = (after.rss - before.rss) / n;
  const heapPerSocket = (after.heap - before.heap) / n;
  held.length = 0;
  if (mode === "default") return { value, extra: { heapPerSocket } };
  return {
    value,
    extra: {
      heapPerSocket,
      pull: Math.max(0, value - IDLE_READ_BYTES),
    },
  };
}

export const bareStreams: Candidate = {
  download: async () => reading(4096, "default"),
  "download-byob": async () => reading(4096, "byob"),
  // TLS data arrive a record (at most 16 KiB) per read: the chunk size the native side sees.
  "tls-download": async () => reading(4096, "default", 16 * 1024),
  upload: async () => perUnit(4096, writeChunks),
  pingpong: async (ctx) => perUnit(10_000, (n) => roundTrips(n, ctx.scale.messageBytes)),
  // Churn's floor needs real connections: each runtime's entry supplies it (churn-floor.ts).
  "idle-memory": async (ctx) => idlePairs(ctx, "default"),
  "idle-memory-byob": async (ctx) => idlePairs(ctx, "byob"),
};
