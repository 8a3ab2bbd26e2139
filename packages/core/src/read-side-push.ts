import { owned } from "./chunk.js";
import { closeByteStream, type ReadSide } from "./read-side.js";
import type { PushTransport, Transport } from "./transport.js";

/**
 * The readable for push transports (Node, Bun). The stream itself holds
 * nothing (highWaterMark 0): chunks wait in a small queue of ours, which lets
 * `close()` drop them at once and lets reads take a chunk straight from the
 * event when a read is already waiting. When the queue reaches
 * `highWaterMark` bytes the transport is paused; a read resumes it.
 *
 * The stream is made on first access (see SocketImpl); an end or error that
 * came first is replayed when it starts.
 */
export class PushReadSide implements ReadSide {
  #stream: ReadableStream<Uint8Array> | null = null;
  #controller: ReadableByteStreamController | null = null;
  #transport: PushTransport | null = null;
  #queue: Uint8Array[] = [];
  #queued = 0;
  #waiting = false;
  #paused = false;
  #eof = false;
  #finished = false;
  /** Set by `error()` when it came before the stream existed. */
  #error: { readonly reason: unknown } | null = null;
  readonly #highWaterMark: number;

  constructor(highWaterMark: number) {
    this.#highWaterMark = highWaterMark;
  }

  get stream(): ReadableStream<Uint8Array> {
    this.#stream ??= this.#createStream();
    return this.#stream;
  }

  #createStream(): ReadableStream<Uint8Array> {
    const side = this;
    // Methods, not arrow properties: the build's keepNames wraps named arrows
    // in a defineProperty call per socket.
    return new ReadableStream(
      {
        type: "bytes",
        start(controller) {
          side.#controller = controller;
          if (!side.#finished) return;
          if (side.#error !== null) controller.error(side.#error.reason);
          else closeByteStream(controller);
        },
        pull() {
          side.#pull();
        },
        cancel() {
          side.#cancel();
        },
      },
      { highWaterMark: 0 },
    );
  }

  attach(transport: Transport): void {
    this.#transport = transport as PushTransport;
    if (this.#paused) this.#transport.pause();
  }

  push(chunk: Uint8Array): void {
    if (this.#finished) return;
    if (this.#waiting) {
      // Reset first: enqueue may call pull again synchronously for the next read.
      this.#waiting = false;
      this.#controller!.enqueue(owned(chunk));
      return;
    }
    this.#queue.push(chunk);
    this.#queued += chunk.byteLength;
    if (!this.#paused && this.#queued >= this.#highWaterMark) {
      this.#paused = true;
      this.#transport?.pause();
    }
  }

  end(): void {
    if (this.#finished) return;
    this.#eof = true;
    if (this.#queue.length === 0) this.#finish();
  }

  close(): void {
    this.#drop();
    this.#finish();
  }

  error(error: unknown): void {
    if (this.#finished) return;
    this.#drop();
    this.#finished = true;
    if (this.#controller !== null) this.#controller.error(error);
    else this.#error = { reason: error };
  }

  #pull(): void {
    const next = this.#queue.shift();
    if (next !== undefined) {
      this.#queued -= next.byteLength;
      this.#controller!.enqueue(owned(next));
      if (this.#queue.length === 0 && this.#eof) this.#finish();
      else this.#resumeIfRoom();
      return;
    }
    if (this.#eof) {
      this.#finish();
      return;
    }
    this.#waiting = true;
    this.#resumeIfRoom();
  }

  #resumeIfRoom(): void {
    if (this.#paused && this.#queued < this.#highWaterMark) {
      this.#paused = false;
      this.#transport?.resume();
    }
  }

  #cancel(): void {
    // The consumer gave up reading. Keep the transport flowing and drop what
    // arrives, so the peer's FIN is still seen (the socket's half-open logic
    // depends on it) and the peer is never stuck on a full window.
    this.#drop();
    this.#finished = true;
    if (this.#paused) {
      this.#paused = false;
      this.#transport?.resume();
    }
  }

  #drop(): void {
    this.#queue = [];
    this.#queued = 0;
    this.#waiting = false;
  }

  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    if (this.#controller !== null) closeByteStream(this.#controller);
  }
}
