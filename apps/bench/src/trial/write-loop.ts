/**
 * The upload write loop every streams candidate runs (ours in web.ts, the
 * floor in upload-floor.ts): one loop, so the floor measures the same writes
 * as ours. Each write is awaited before the next, as a driver that respects
 * backpressure one chunk at a time does, and the writer is closed at the end
 * (a half-close: the server then answers with the byte count).
 */

/** Writes `chunk` until at least `bytes` are sent, then closes; returns the bytes sent. */
export async function writeUpload(
  writer: WritableStreamDefaultWriter<Uint8Array>,
  chunk: Uint8Array,
  bytes: number,
): Promise<number> {
  let sent = 0;
  while (sent < bytes) {
    await writer.write(chunk);
    sent += chunk.byteLength;
  }
  await writer.close();
  return sent;
}
