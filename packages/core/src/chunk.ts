import { describe } from "./address.js";
import { SocketErrorCode } from "./error-codes.js";
import { SocketError } from "./errors.js";

const encoder = new TextEncoder();

/**
 * Turns what a user wrote into bytes without copying where it can: views share
 * the caller's memory, strings are encoded as UTF-8 (as workerd does).
 */
export function toBytes(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (ArrayBuffer.isView(chunk)) {
    return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  }
  if (chunk instanceof ArrayBuffer || isSharedArrayBuffer(chunk)) return new Uint8Array(chunk);
  if (typeof chunk === "string") return encoder.encode(chunk);
  throw new SocketError(
    SocketErrorCode.InvalidChunk,
    `The socket's writable accepts ArrayBuffer, ArrayBufferView (such as Uint8Array) or string chunks, got ${describe(chunk)}.`,
  );
}

/** The queuing-strategy size of a chunk, in bytes (a string counts its UTF-16 length, as an estimate). */
export function chunkSize(chunk: unknown): number {
  if (typeof chunk === "string") return chunk.length;
  if (ArrayBuffer.isView(chunk)) return chunk.byteLength;
  if (chunk instanceof ArrayBuffer || isSharedArrayBuffer(chunk)) return chunk.byteLength;
  return 0;
}

/**
 * A byte stream's `enqueue` transfers (detaches) the chunk's ArrayBuffer, so it
 * must own all of it. Transport chunks normally do (Node's and Bun's read
 * buffers are allocated per read); anything else is copied.
 */
export function owned(chunk: Uint8Array): Uint8Array<ArrayBuffer> {
  const buffer = chunk.buffer;
  if (
    chunk.byteOffset === 0 &&
    chunk.byteLength === buffer.byteLength &&
    !isSharedArrayBuffer(buffer)
  ) {
    return chunk as Uint8Array<ArrayBuffer>;
  }
  return new Uint8Array(chunk);
}

/** A copy of `chunk` from `offset` on, in memory of its own (the constructor copies; a Buffer's `slice` would not). */
export function copied(chunk: Uint8Array, offset = 0): Uint8Array<ArrayBuffer> {
  return new Uint8Array(offset === 0 ? chunk : chunk.subarray(offset));
}

function isSharedArrayBuffer(value: unknown): value is SharedArrayBuffer {
  return typeof SharedArrayBuffer !== "undefined" && value instanceof SharedArrayBuffer;
}
