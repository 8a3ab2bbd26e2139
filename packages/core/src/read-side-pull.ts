import { DefaultReadBuffer } from "./read-buffer.js";
import { closeByteStream, type ReadSide, type ReadSideHooks } from "./read-side.js";
import type { PullTransport, Transport } from "./transport.js";

/**
 * The readable for pull transports (Deno): each consumer read becomes one
 * transport read. Nothing is read ahead, so no read is in flight unless the
 * consumer is reading.
 *
 * A BYOB read goes straight into the reader's buffer. A default read goes
 * through a buffer sized to the traffic (read-buffer.ts): 4 KiB while reads
 * are short, up to 64 KiB while they come back full; a nearly full buffer is
 * handed to the reader, a short read gets a right-sized copy. A fixed
 * `autoAllocateChunkSize` would allocate 64 KiB per read, and pin 64 KiB per
 * idle socket waiting in a read (measured in apps/bench).
 *
 * The stream is made on first access (see SocketImpl); an end or error that
 * came first is replayed when it starts.
 */
export class PullReadSide implements ReadSide {
  #stream: ReadableStream<Uint8Array> | null = null;
  #controller: ReadableByteStreamController | null = null;
  #transport: PullTransport | null = null;
  #whenAttached: (() => void) | null = null;
  #finished = false;
  /** Made by the first default read. */
  #buffer: DefaultReadBuffer | null = null;
  /** Set by `error()` when it came before the stream existed. */
  #error: { readonly reason: unknown } | null = null;
  readonly #hooks: ReadSideHooks;

  constructor(hooks: ReadSideHooks) {
    this.#hooks = hooks;
  }

  get stream(): ReadableStream<Uint8Array> {
    this.#stream ??= this.#createStream();
    return this.#stream;
  }

  /** The stream's underlying source: one object, not three closures (see PushReadSide's). */
  static readonly #Source = class implements UnderlyingByteSource {
    readonly type = "bytes";
    readonly #side: PullReadSide;

    constructor(side: PullReadSide) {
      this.#side = side;
    }

    start(controller: ReadableByteStreamController): void {
      const side = this.#side;
      side.#controller = controller;
      if (!side.#finished) return;
      if (side.#error !== null) controller.error(side.#error.reason);
      else closeByteStream(controller);
    }

    pull(): Promise<void> {
      return this.#side.#pull();
    }

    cancel(): void {
      const side = this.#side;
      side.#finished = true;
      side.#wake();
    }
  };

  #createStream(): ReadableStream<Uint8Array> {
    return new ReadableStream(new PullReadSide.#Source(this), { highWaterMark: 0 });
  }

  attach(transport: Transport): void {
    this.#transport = transport as PullTransport;
    this.#wake();
  }

  push(): void {
    // Pull transports deliver through read().
  }

  end(): void {
    this.#finish();
  }

  close(): void {
    this.#finish();
  }

  error(error: unknown): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#wake();
    if (this.#controller !== null) this.#controller.error(error);
    else this.#error = { reason: error };
  }

  async #pull(): Promise<void> {
    if (this.#transport === null) {
      await new Promise<void>((resolve) => {
        this.#whenAttached = resolve;
      });
    }
    const transport = this.#transport;
    const controller = this.#controller!;
    if (this.#finished || transport === null) return;
    // A BYOB read brings its buffer; a default read has none (no autoAllocateChunkSize).
    const request = controller.byobRequest;
    let into: Uint8Array;
    if (request !== null) {
      const view = request.view as Uint8Array;
      into = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    } else {
      this.#buffer ??= new DefaultReadBuffer();
      into = this.#buffer.take();
    }
    let n: number | null;
    try {
      do {
        n = await transport.read(into);
      } while (n === 0 && !this.#finished);
    } catch (error) {
      if (!this.#finished) this.#hooks.onError(error);
      return;
    }
    if (this.#finished) return;
    if (n === null) {
      this.#finish();
      this.#hooks.onEof();
      return;
    }
    if (request !== null) request.respond(n);
    else controller.enqueue(this.#buffer!.chunk(n));
  }

  #wake(): void {
    const resolve = this.#whenAttached;
    this.#whenAttached = null;
    resolve?.();
  }

  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#wake();
    if (this.#controller !== null) closeByteStream(this.#controller);
  }
}
