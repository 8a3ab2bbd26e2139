/** Smallest read a default reader's read goes through: what an idle socket's pending read holds. */
export const MIN_READ_SIZE = 4 * 1024;
/** Largest: the size native read loops use (Deno's conn.read examples, libuv's 64 KiB suggestion). */
export const MAX_READ_SIZE = 64 * 1024;

/**
 * The memory default reads go through on a pull transport (Deno), sized to
 * the traffic: small while reads come back short, doubling while they come
 * back full (as Go's bufio and libuv's read callbacks adapt), halving again
 * when they come back under a quarter full.
 *
 * Why not one fixed 64 KiB buffer: a pending read needs its memory for as
 * long as it waits, so an idle socket with a pending default read (a
 * connection pool) pinned 64 KiB. Now it pins what its last reads needed:
 * 4 KiB for protocol messages.
 *
 * Why not a slab shared between chunks: a byte stream's `enqueue` transfers
 * (detaches) the chunk's whole ArrayBuffer on every runtime (Streams spec,
 * ReadableByteStreamControllerEnqueue; checked on Node, Deno and Bun), so the
 * unused tail of a slab is lost with the first chunk handed out of it.
 * Instead a read that filled at least half the buffer hands the buffer itself
 * over (no copy; the next read gets a fresh one), and a shorter read hands
 * out a right-sized copy and keeps the buffer. A chunk therefore never
 * retains more than twice its own length.
 */
export class DefaultReadBuffer {
  #size = MIN_READ_SIZE;
  #buffer: Uint8Array<ArrayBuffer> | null = null;

  /** The memory for the next read. */
  take(): Uint8Array<ArrayBuffer> {
    this.#buffer ??= new Uint8Array(this.#size);
    return this.#buffer;
  }

  /** The chunk for the reader from the `n` bytes the last read put into `take()`'s buffer. */
  chunk(n: number): Uint8Array<ArrayBuffer> {
    const buffer = this.#buffer!;
    const size = buffer.byteLength;
    let chunk: Uint8Array<ArrayBuffer>;
    if (n * 2 >= size) {
      // A full read (the common case in a download) hands over the buffer
      // itself: a subarray is one more typed array made per chunk.
      chunk = n === size ? buffer : buffer.subarray(0, n);
      this.#buffer = null;
    } else {
      chunk = buffer.slice(0, n);
    }
    if (n === size && size < MAX_READ_SIZE) {
      this.#size = size * 2;
    } else if (n * 4 < size && size > MIN_READ_SIZE) {
      // Let go of the large buffer now, so a socket that goes idle after a
      // burst waits with the smaller one.
      this.#size = size / 2;
      this.#buffer = null;
    }
    return chunk;
  }
}
