/**
 * The download read loop every streams candidate runs (ours in web.ts, the
 * floor in download-floor.ts): one loop, so the floor measures the same
 * reads as ours. A BYOB read transfers the reader's buffer into the result,
 * so the loop takes it back for the next read, as a driver reusing one
 * buffer would.
 */

/** Bytes a BYOB read asks for: the size of the runtimes' own reads. */
export const BYOB_READ_BYTES = 64 * 1024;

/** Reads `bytes` from `readable` with a default or BYOB reader; returns what it got and in how many chunks. */
export async function readDownload(
  readable: ReadableStream<Uint8Array>,
  bytes: number,
  mode: "default" | "byob",
): Promise<{ got: number; chunks: number }> {
  let got = 0;
  let chunks = 0;
  if (mode === "default") {
    const reader = readable.getReader();
    while (got < bytes) {
      const { value, done } = await reader.read();
      if (done) break;
      got += value.byteLength;
      chunks++;
    }
  } else {
    const reader = readable.getReader({ mode: "byob" });
    let buffer = new ArrayBuffer(BYOB_READ_BYTES);
    while (got < bytes) {
      const { value, done } = await reader.read(new Uint8Array(buffer));
      if (done || value === undefined) break;
      got += value.byteLength;
      chunks++;
      buffer = value.buffer as ArrayBuffer;
    }
  }
  return { got, chunks };
}
