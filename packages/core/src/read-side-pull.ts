import { closeByteStream, type ReadSide, type ReadSideHooks } from "./read-side.js";
import type { PullTransport, Transport } from "./transport.js";

/** Size of the buffer a default reader's reads go through (a BYOB reader brings its own). */
const READ_BUFFER = 64 * 1024;

/**
 * The readable for pull transports (Deno): each consumer read becomes one
 * transport read. Nothing is read ahead, so no read is in flight unless the
 * consumer is reading.
 *
 * A BYOB read goes straight into the reader's buffer. A default read goes
 * into a buffer this side keeps and reuses, and the reader gets a copy of
 * exactly the bytes read: a default reader needs fresh memory for every
 * chunk, and a right-sized copy costs far less than a new 64 KiB buffer per
 * read (`autoAllocateChunkSize`) when reads are short — 16 KiB TLS records,
 * protocol messages (measured in apps/bench).
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
  /** Made by the first default read, then reused. */
  #buffer: Uint8Array | null = null;
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
          return side.#pull();
        },
        cancel() {
          side.#finished = true;
          side.#wake();
        },
      },
      { highWaterMark: 0 },
    );
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
      this.#buffer ??= new Uint8Array(READ_BUFFER);
      into = this.#buffer;
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
    else controller.enqueue(into.slice(0, n));
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
