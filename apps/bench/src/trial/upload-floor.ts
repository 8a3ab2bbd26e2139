/**
 * The upload floor on a real socket: this runtime's native connection with
 * the least a Socket built on web streams has to put around it (spec:
 * `writable` is a WritableStream of bytes), written by the same loop as ours
 * (write-loop.ts) to the same load server sink. Nothing else: no validation,
 * no state machine, no readable stream (the server's one-line reply is read
 * natively), no events beyond the writes.
 *
 * The stream is a WritableStream counting bytes with ours' default
 * highWaterMark (64 KiB), whose sink hands each chunk to the native write:
 * - Node: `socket.write`, waiting for 'drain' when it returns false (as our
 *   Node transport does);
 * - Deno: a `conn.write` loop until the whole chunk is taken;
 * - Bun: `socket.write` returns the bytes taken; the rest goes out on `drain`
 *   (https://bun.com/docs/runtime/networking/tcp#buffering).
 * Closing the writer half-closes the connection, as ours does.
 *
 * The synthetic floor (bare.ts, a WritableStream with no socket) is measured
 * in the same process after the socket is closed and reported alongside
 * (`extra.syntheticUs`); `extra.onSocket` marks the sample as a rate on a
 * real socket, comparable with native and ours of the same repetition.
 */
import { bareStreams } from "./bare.js";
import { bulkWarmup, type Candidate, mbPerSecond, now, type WorkloadContext } from "./harness.js";
import type { Sample } from "./protocol.js";
import { writeUpload } from "./write-loop.js";

/** What a runtime's native side supplies for an upload: a connected plain connection. */
export interface UploadConnection {
  /** Sends all of `bytes`; settles once the runtime has taken them (or buffered them below its limit). */
  write(bytes: Uint8Array): void | Promise<void>;
  /** Sends FIN and keeps reading. */
  closeWrite(): void | Promise<void>;
  /** The server's reply line (the byte count it received), asked for once the writes are done. */
  reply(): Promise<string>;
  close(): void;
}

export type NativeUpload = (port: number) => Promise<UploadConnection>;

/** Ours' default writable highWaterMark (packages/core/src/options.ts). */
const HIGH_WATER_MARK = 64 * 1024;

function sinkWritable(conn: UploadConnection): WritableStream<Uint8Array> {
  return new WritableStream<Uint8Array>(
    {
      write: (chunk) => conn.write(chunk),
      close: () => conn.closeWrite(),
      abort: () => conn.close(),
    },
    { highWaterMark: HIGH_WATER_MARK, size: (chunk) => chunk.byteLength },
  );
}

async function uploadOnce(
  open: NativeUpload,
  ctx: WorkloadContext | null,
  port: number,
  bytes: number,
  chunkBytes: number,
): Promise<{ ms: number; total: number }> {
  const conn = await open(port);
  const writer = sinkWritable(conn).getWriter();
  const chunk = new Uint8Array(chunkBytes).fill(0x5a);
  ctx?.mark("start");
  const start = now();
  const total = await writeUpload(writer, chunk, bytes);
  const reply = (await conn.reply()).trim();
  const ms = now() - start;
  ctx?.mark("end");
  conn.close();
  if (Number(reply) !== total) throw new Error(`the server received ${reply} of ${total} bytes`);
  return { ms, total };
}

/** The upload workload of the bare candidate on a runtime with a native socket API. */
export function uploadFloor(open: NativeUpload): Candidate {
  return {
    upload: async (ctx): Promise<Sample> => {
      const { uploadChunk, bulkBytes } = ctx.scale;
      const port = ctx.ports.sink;
      await uploadOnce(open, null, port, bulkWarmup(bulkBytes), uploadChunk);
      const { ms, total } = await uploadOnce(open, ctx, port, bulkBytes, uploadChunk);
      // The synthetic cost per write, after the socket is closed (outside the marked window).
      const synthetic = bareStreams.upload;
      const bare =
        typeof synthetic === "function" ? await synthetic({ ...ctx, mark: () => {} }) : null;
      return {
        value: mbPerSecond(total, ms),
        extra: { onSocket: 1, ...(bare ? { syntheticUs: bare.value, ...bare.extra } : {}) },
      };
    },
  };
}
