import { describe } from "./address.js";
import { SocketErrorCode } from "./error-codes.js";
import { SocketError } from "./errors.js";

const encoder = new TextEncoder();

/**
 * The engine's own accessors, used as brand checks: each throws a TypeError
 * on anything that is not really that kind of object. `instanceof` and the
 * object's own `buffer`/`byteLength` properties would believe a Proxy around
 * a typed array or an object given `Uint8Array.prototype` (issue 9, defect 7),
 * which the runtime's write then rejects with a plain TypeError, or which
 * reads as zero bytes.
 */
function getter(prototype: object, name: string): (this: unknown) => unknown {
  const get = Object.getOwnPropertyDescriptor(prototype, name)?.get;
  if (get === undefined) throw new Error(`this runtime has no ${name} accessor`);
  return get;
}
const TypedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype) as object;
const typedArrayBuffer = getter(TypedArrayPrototype, "buffer");
const typedArrayOffset = getter(TypedArrayPrototype, "byteOffset");
const typedArrayLength = getter(TypedArrayPrototype, "byteLength");
/** Returns the element type's name for a real typed array, undefined for anything else (it never throws). */
const typedArrayKind = Object.getOwnPropertyDescriptor(TypedArrayPrototype, Symbol.toStringTag)
  ?.get as ((this: unknown) => string | undefined) | undefined;
const dataViewBuffer = getter(DataView.prototype, "buffer");
const dataViewOffset = getter(DataView.prototype, "byteOffset");
const dataViewLength = getter(DataView.prototype, "byteLength");
const arrayBufferLength = getter(ArrayBuffer.prototype, "byteLength");
const sharedArrayBufferLength =
  typeof SharedArrayBuffer === "undefined"
    ? undefined
    : getter(SharedArrayBuffer.prototype, "byteLength");

function invalidChunk(chunk: unknown): SocketError {
  return new SocketError(
    SocketErrorCode.InvalidChunk,
    `The socket's writable accepts ArrayBuffer, ArrayBufferView (such as Uint8Array) or string chunks, got ${safeDescribe(chunk)}.`,
  );
}

/** The error for a chunk whose memory was detached (transferred) before it could be sent. */
export function detachedChunk(cause?: unknown): SocketError {
  return new SocketError(
    SocketErrorCode.InvalidChunk,
    "The chunk's ArrayBuffer was detached (transferred) before its bytes could be sent; nothing of it was sent. Do not transfer a buffer until its write has settled.",
    cause === undefined ? undefined : { cause },
  );
}

/** Calls a brand-checking accessor; undefined when `value` is not of that kind. */
function tryGet(get: (this: unknown) => unknown, value: unknown): unknown {
  try {
    return get.call(value);
  } catch {
    return undefined;
  }
}

/**
 * Turns what a user wrote into bytes without copying where it can: views share
 * the caller's memory, strings are encoded as UTF-8 (as workerd does). Anything
 * else, and memory that is already detached, is a SocketError ERR_INVALID_CHUNK.
 */
export function toBytes(chunk: unknown): Uint8Array {
  if (typeof chunk === "string") return encoder.encode(chunk);
  if (typeof chunk !== "object" || chunk === null) throw invalidChunk(chunk);
  // The common case, without an allocation: a real Uint8Array (or Node Buffer)
  // that still inherits Uint8Array's accessors and is not empty (so not detached).
  if (
    typedArrayKind?.call(chunk) === "Uint8Array" &&
    chunk instanceof Uint8Array &&
    (typedArrayLength.call(chunk) as number) > 0
  ) {
    return chunk as Uint8Array;
  }
  let buffer = tryGet(typedArrayBuffer, chunk);
  let offset: unknown;
  let length: unknown;
  if (buffer !== undefined) {
    offset = typedArrayOffset.call(chunk);
    length = typedArrayLength.call(chunk);
  } else {
    buffer = tryGet(dataViewBuffer, chunk);
    if (buffer !== undefined) {
      // A DataView's offset and length getters throw once its buffer is detached.
      offset = tryGet(dataViewOffset, chunk);
      length = tryGet(dataViewLength, chunk);
      if (offset === undefined || length === undefined) throw detachedChunk();
    } else if (
      tryGet(arrayBufferLength, chunk) !== undefined ||
      (sharedArrayBufferLength !== undefined &&
        tryGet(sharedArrayBufferLength, chunk) !== undefined)
    ) {
      buffer = chunk;
      offset = 0;
      length = undefined;
    } else {
      throw invalidChunk(chunk);
    }
  }
  try {
    return new Uint8Array(buffer as ArrayBuffer, offset as number, length as number | undefined);
  } catch (error) {
    // Construct on a detached buffer throws a TypeError (ECMA-262 InitializeTypedArrayFromArrayBuffer).
    throw detachedChunk(error);
  }
}

/** The queuing-strategy size of a chunk, in bytes (a string counts its UTF-16 length, as an estimate). */
export function chunkSize(chunk: unknown): number {
  if (typeof chunk === "string") return chunk.length;
  if (typeof chunk !== "object" || chunk === null) return 0;
  // Never throws: a throwing size() would error the whole writable.
  const size =
    tryGet(typedArrayLength, chunk) ??
    tryGet(dataViewLength, chunk) ??
    tryGet(arrayBufferLength, chunk) ??
    (sharedArrayBufferLength === undefined ? 0 : tryGet(sharedArrayBufferLength, chunk));
  return typeof size === "number" ? size : 0;
}

function safeDescribe(value: unknown): string {
  try {
    return describe(value);
  } catch {
    return "an object that throws when inspected";
  }
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
