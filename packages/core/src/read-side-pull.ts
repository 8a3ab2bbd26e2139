import { closeByteStream, type ReadSide, type ReadSideHooks } from "./read-side.js";
import type { PullTransport, Transport } from "./transport.js";

/** Size of the buffer a default reader's read allocates (a BYOB reader brings its own). */
const AUTO_ALLOCATE = 64 * 1024;

/**
 * The readable for pull transports (Deno): each consumer read becomes one
 * transport read straight into the reader's buffer. Nothing is read ahead, so
 * no read is in flight unless the consumer is reading.
 */
export class PullReadSide implements ReadSide {
  readonly stream: ReadableStream<Uint8Array>;
  #controller!: ReadableByteStreamController;
  #transport: PullTransport | null = null;
  #whenAttached: (() => void) | null = null;
  #finished = false;
  readonly #hooks: ReadSideHooks;

  constructor(hooks: ReadSideHooks) {
    this.#hooks = hooks;
    this.stream = new ReadableStream(
      {
        type: "bytes",
        autoAllocateChunkSize: AUTO_ALLOCATE,
        start: (controller) => {
          this.#controller = controller;
        },
        pull: () => this.#pull(),
        cancel: () => {
          this.#finished = true;
          this.#wake();
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
    this.#controller.error(error);
  }

  async #pull(): Promise<void> {
    if (this.#transport === null) {
      await new Promise<void>((resolve) => {
        this.#whenAttached = resolve;
      });
    }
    const transport = this.#transport;
    const request = this.#controller.byobRequest;
    if (this.#finished || transport === null || request === null) return;
    const view = request.view as Uint8Array;
    let n: number | null;
    try {
      n = await transport.read(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
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
    request.respond(n);
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
    closeByteStream(this.#controller);
  }
}
