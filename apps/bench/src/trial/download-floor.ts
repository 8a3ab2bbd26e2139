/**
 * The download floor on a real socket: this runtime's native connection with
 * the least a Socket built on web streams has to put around it (spec:
 * `readable` is a ReadableStream of bytes), read by the same loop as ours
 * (web.ts) from the same load server. Nothing else: no validation, no state
 * machine, no writable, no events beyond the data.
 *
 * The stream is a `type: "bytes"` ReadableStream with highWaterMark 0, fed
 * the way a good implementation does on the runtime:
 * - push (Node, Bun): each chunk the runtime hands over goes straight to the
 *   read that waits, or to a small queue; at 64 KiB queued the connection is
 *   paused and a read resumes it (as core's push read side does). A BYOB
 *   read gets the chunk copied into its view and `respond()` on Node, or
 *   enqueued for the stream to copy on Bun: what our backends pick there.
 *   Plain TCP on Node reads through `onread` into one shared buffer, as ours
 *   does (a 'data' event per chunk costs about twice the CPU:
 *   packages/node/src/shared-read-buffer.ts), so a chunk kept for later or
 *   handed to a default read is a copy; TLS on Node keeps 'data' events.
 * - pull (Deno): each read of the stream is one `conn.read` into the read's
 *   own view (a default read gets a fresh 64 KiB view from
 *   `autoAllocateChunkSize`), answered with `respond()`.
 *
 * The synthetic floor (bare.ts, streams with no socket) is measured in the
 * same process and reported alongside (`extra.syntheticUs`, `extra.pull`),
 * so the report can show both; `extra.onSocket` marks the sample as a rate
 * on a real socket, comparable with native and ours of the same repetition.
 */
import { bareStreams } from "./bare.js";
import { bulkWarmup, type Candidate, mbPerSecond, now, type WorkloadContext } from "./harness.js";
import type { Sample } from "./protocol.js";
import { readDownload } from "./read-loop.js";

/** A connection whose runtime calls us with data (Node, Bun). */
export interface PushConnection {
  readonly kind: "push";
  /** BYOB reads: copy into the view and respond(), or enqueue for the stream to copy. */
  readonly byobFill: "respond" | "enqueue";
  /** Chunks live only during the call (a shared read buffer): what is kept is copied. */
  readonly borrowed: boolean;
  /** Routes every chunk that arrives to `data`, and a failure to `fail`. */
  listen(data: (chunk: Uint8Array) => void, fail: (error: Error) => void): void;
  pause(): void;
  resume(): void;
  write(bytes: Uint8Array): void;
  close(): void;
}

/** A connection read by asking (Deno's `conn.read`). */
export interface PullConnection {
  readonly kind: "pull";
  read(view: Uint8Array): Promise<number | null>;
  write(bytes: Uint8Array): Promise<void>;
  close(): void;
}

export type FloorConnection = PushConnection | PullConnection;

/** What a runtime's native side supplies: a connected (and for TLS, verified) connection. */
export type NativeDownload = (port: number, tls: boolean) => Promise<FloorConnection>;

/** Bytes a push connection may deliver ahead of the reader before it is paused (ours: 64 KiB). */
const HIGH_WATER_MARK = 64 * 1024;
const READ_BYTES = 64 * 1024;
const encoder = new TextEncoder();

/** The chunk itself when it spans its whole buffer (enqueue transfers that buffer), else a copy. */
function owned(chunk: Uint8Array): Uint8Array<ArrayBuffer> {
  const buffer = chunk.buffer;
  return buffer instanceof ArrayBuffer &&
    chunk.byteOffset === 0 &&
    chunk.byteLength === buffer.byteLength
    ? (chunk as Uint8Array<ArrayBuffer>)
    : new Uint8Array(chunk);
}

function pushReadable(conn: PushConnection): ReadableStream<Uint8Array> {
  const respond = conn.byobFill === "respond";
  const keep = (chunk: Uint8Array): Uint8Array => (conn.borrowed ? new Uint8Array(chunk) : chunk);
  const queue: Uint8Array[] = [];
  let queued = 0;
  let waiting = false;
  let paused = false;
  let controller!: ReadableByteStreamController;
  /** Gives `chunk` to the waiting read; `lent` when it is the runtime's borrowed buffer. */
  const hand = (chunk: Uint8Array, lent: boolean): void => {
    const request = respond ? controller.byobRequest : null;
    const view = request?.view;
    if (request == null || view == null) {
      controller.enqueue(lent ? new Uint8Array(chunk) : owned(chunk));
      return;
    }
    const fit = Math.min(chunk.byteLength, view.byteLength);
    // What does not fit waits at the head of the queue for the next read,
    // which respond() may start at once.
    if (fit < chunk.byteLength) {
      queue.unshift(lent ? new Uint8Array(chunk.subarray(fit)) : chunk.subarray(fit));
      queued += chunk.byteLength - fit;
    }
    new Uint8Array(view.buffer, view.byteOffset, fit).set(
      fit === chunk.byteLength ? chunk : chunk.subarray(0, fit),
    );
    request.respond(fit);
  };
  const readable = new ReadableStream(
    {
      type: "bytes",
      start(c) {
        controller = c;
      },
      pull() {
        const next = queue.shift();
        if (next === undefined) waiting = true;
        else {
          queued -= next.byteLength;
          hand(next, false);
        }
        if (paused && queued < HIGH_WATER_MARK) {
          paused = false;
          conn.resume();
        }
      },
      cancel() {
        conn.close();
      },
    },
    { highWaterMark: 0 },
  );
  conn.listen(
    (chunk) => {
      if (waiting) {
        waiting = false;
        hand(chunk, conn.borrowed);
        return;
      }
      queue.push(keep(chunk));
      queued += chunk.byteLength;
      if (!paused && queued >= HIGH_WATER_MARK) {
        paused = true;
        conn.pause();
      }
    },
    (error) => controller.error(error),
  );
  return readable;
}

function pullReadable(conn: PullConnection): ReadableStream<Uint8Array> {
  return new ReadableStream(
    {
      type: "bytes",
      autoAllocateChunkSize: READ_BYTES,
      async pull(controller) {
        // autoAllocateChunkSize gives default reads a request too.
        const request = controller.byobRequest!;
        const view = request.view!;
        const n = await conn.read(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
        if (n === null) {
          controller.close();
          request.respond(0);
        } else request.respond(n);
      },
      cancel() {
        conn.close();
      },
    },
    { highWaterMark: 0 },
  );
}

/** One download through the floor stream, read exactly as web.ts reads ours. */
async function downloadOnce(
  open: NativeDownload,
  ctx: WorkloadContext | null,
  port: number,
  bytes: number,
  mode: "default" | "byob",
  tls: boolean,
): Promise<{ ms: number; chunks: number }> {
  const conn = await open(port, tls);
  const readable = conn.kind === "push" ? pushReadable(conn) : pullReadable(conn);
  ctx?.mark("start");
  const start = now();
  await conn.write(encoder.encode(`${bytes}\n`));
  const { got, chunks } = await readDownload(readable, bytes, mode);
  const ms = now() - start;
  ctx?.mark("end");
  conn.close();
  if (got !== bytes) throw new Error(`downloaded ${got} of ${bytes} bytes`);
  return { ms, chunks };
}

type DownloadWorkload = "download" | "download-byob" | "tls-download";

function download(open: NativeDownload, workload: DownloadWorkload, mode: "default" | "byob") {
  const tls = workload === "tls-download";
  return async (ctx: WorkloadContext): Promise<Sample> => {
    const bytes = tls ? ctx.scale.tlsBulkBytes : ctx.scale.bulkBytes;
    const port = tls ? ctx.ports.tlsSource : ctx.ports.source;
    await downloadOnce(open, null, port, bulkWarmup(bytes), mode, tls);
    const { ms, chunks } = await downloadOnce(open, ctx, port, bytes, mode, tls);
    // The synthetic cost per chunk, after the socket is closed (outside the marked window).
    const synthetic = bareStreams[workload];
    const bare =
      typeof synthetic === "function" ? await synthetic({ ...ctx, mark: () => {} }) : null;
    return {
      value: mbPerSecond(bytes, ms),
      extra: {
        onSocket: 1,
        chunkBytes: bytes / chunks,
        ...(bare ? { syntheticUs: bare.value, ...bare.extra } : {}),
      },
    };
  };
}

/** The download workloads of the bare candidate on a runtime with a native socket API. */
export function downloadFloor(open: NativeDownload): Candidate {
  return {
    download: download(open, "download", "default"),
    "download-byob": download(open, "download-byob", "byob"),
    "tls-download": download(open, "tls-download", "default"),
  };
}
