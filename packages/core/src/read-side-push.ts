import { copied, owned } from "./chunk.js";
import { closeByteStream, type ReadSide } from "./read-side.js";
import type { PushTransport, Transport } from "./transport.js";

/**
 * A waiting BYOB read's request. Its view is always a Uint8Array over the
 * unfilled part (Streams spec, ReadableStreamBYOBRequest view).
 */
type ByobRequest = ReadableStreamBYOBRequest & { readonly view: Uint8Array };

/** How many bytes of `chunk` the waiting read takes: all for a default read, at most the view for a BYOB read. */
function fitOf(chunk: Uint8Array, byob: ByobRequest | null): number {
  return byob === null ? chunk.byteLength : Math.min(byob.view.byteLength, chunk.byteLength);
}

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
export class PushReadSide implements ReadSide, UnderlyingByteSource {
  #stream: ReadableStream<Uint8Array> | null = null;
  #controller: ReadableByteStreamController | null = null;
  #transport: PushTransport | null = null;
  /** Made by the first chunk that has to wait: an idle socket holds no array. */
  #queue: Uint8Array[] | null = null;
  #queued = 0;
  #waiting = false;
  #paused = false;
  #eof = false;
  #finished = false;
  /** Set by `error()` when it came before the stream existed. */
  #error: { readonly reason: unknown } | null = null;
  readonly #highWaterMark: number;
  /** BYOB reads: copy into the view and respond() (true), or enqueue (false). */
  readonly #respond: boolean;
  /** The transport vouches that its chunks own their whole ArrayBuffer (PushTransport). */
  #chunksOwned = false;

  constructor(highWaterMark: number, respondToByob: boolean) {
    this.#highWaterMark = highWaterMark;
    this.#respond = respondToByob;
  }

  get stream(): ReadableStream<Uint8Array> {
    this.#stream ??= this.#createStream();
    return this.#stream;
  }

  /**
   * The read side is the stream's underlying source itself: the stream calls
   * `start`, `pull` and `cancel` with the source as `this` (Streams spec,
   * SetUpReadableByteStreamControllerFromUnderlyingSource), so no object of
   * its own per socket (~40 B per idle socket on Node 24, apps/bench
   * FINDINGS.md) and no closures. Only the stream calls these three.
   */
  readonly type = "bytes";

  start(controller: ReadableByteStreamController): void {
    this.#controller = controller;
    if (!this.#finished) return;
    if (this.#error !== null) controller.error(this.#error.reason);
    else closeByteStream(controller);
  }

  pull(): void {
    this.#pull();
  }

  cancel(): void {
    this.#cancel();
  }

  #createStream(): ReadableStream<Uint8Array> {
    return new ReadableStream(this, { highWaterMark: 0 });
  }

  attach(transport: Transport): void {
    this.#transport = transport as PushTransport;
    this.#chunksOwned = this.#transport.chunksOwnTheirBuffer === true;
    if (this.#paused) this.#transport.pause();
  }

  push(chunk: Uint8Array, borrowed = false): void {
    if (this.#finished) return;
    if (this.#waiting) {
      // Reset first: handing a chunk over may call pull again synchronously
      // for the next read.
      this.#waiting = false;
      // A read waits only while the queue is empty, so what does not fit in
      // it goes to the queue now, where that next pull finds it.
      const request = this.#byobRequest();
      const fit = fitOf(chunk, request);
      if (fit < chunk.byteLength) {
        this.#enqueue(borrowed ? copied(chunk, fit) : chunk.subarray(fit));
      }
      this.#hand(chunk, request, fit, borrowed);
      return;
    }
    this.#enqueue(borrowed ? copied(chunk) : chunk);
  }

  #enqueue(chunk: Uint8Array): void {
    this.#queue ??= [];
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
    if (this.#queue === null || this.#queue.length === 0) this.#finish();
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
    const queue = this.#queue;
    const next = queue?.[0];
    if (next !== undefined) {
      // The queue is updated before the hand-over, which may pull again.
      const request = this.#byobRequest();
      const fit = fitOf(next, request);
      if (fit < next.byteLength) queue![0] = next.subarray(fit);
      else queue!.shift();
      this.#queued -= fit;
      this.#hand(next, request, fit, false);
      if (queue!.length === 0 && this.#eof) this.#finish();
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

  /**
   * The waiting BYOB read's request, when this side fills BYOB reads itself
   * (`respondToByob`); null for a default read, or when chunks are enqueued.
   * Looked up once per chunk: it is on the per-chunk path.
   */
  #byobRequest(): ByobRequest | null {
    if (!this.#respond) return null;
    const request = this.#controller!.byobRequest;
    return request?.view == null ? null : (request as ByobRequest);
  }

  /**
   * Gives the first `fit` bytes of `chunk` to the waiting read. With
   * `respondToByob`, a BYOB read gets them copied straight into its view and
   * `respond()`: on Node, enqueueing into a pending BYOB read costs a buffer
   * transfer, a queue entry and the spec's pull-into bookkeeping around the
   * same copy (apps/bench FINDINGS.md). Otherwise, and for a default read, the
   * chunk is enqueued (a default read takes it without a copy, unless it is
   * `borrowed`: then it gets a copy of its own).
   */
  #hand(chunk: Uint8Array, byob: ByobRequest | null, fit: number, borrowed: boolean): void {
    if (byob === null) {
      this.#controller!.enqueue(
        borrowed
          ? copied(chunk)
          : this.#chunksOwned
            ? (chunk as Uint8Array<ArrayBuffer>)
            : owned(chunk),
      );
      return;
    }
    byob.view.set(fit === chunk.byteLength ? chunk : chunk.subarray(0, fit));
    byob.respond(fit);
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
    this.#queue = null;
    this.#queued = 0;
    this.#waiting = false;
  }

  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    if (this.#controller !== null) closeByteStream(this.#controller);
  }
}
