import { DefaultReadBuffer } from "./read-buffer.js";
import { closeByteStream, type ReadSide, type ReadSideHooks } from "./read-side.js";
import type { PullTransport, Transport } from "./transport.js";

/**
 * The readable for pull transports (Deno): each consumer read becomes one
 * transport read.
 *
 * Read-ahead while nobody has asked for the readable: Deno reports the peer's
 * FIN and a reset only to a read (a `Deno.Conn` has no readiness event), so a
 * socket nobody reads would never see them: `closed` would not settle on a
 * reset, allowHalfOpen false would not close our side on the peer's FIN, and
 * a server handler that only writes would leave every connection in
 * CLOSE_WAIT. Node and Bun read eagerly and see both. So, until the stream is
 * made, one transport read is kept in flight (into a 512-byte buffer of its
 * own), from a macrotask after the connection opened: EOF and errors take
 * the usual paths, and bytes that arrive are held, with no further read until
 * the stream takes them (bounded, as Node's highWaterMark bounds its
 * read-ahead). The stream starts with them, so only
 * that first chunk is ever copied into a BYOB reader's buffer. Once the
 * stream exists the consumer's reads drive everything again. Not on a
 * `"starttls"` socket: `Deno.startTls()` refuses a connection with a read in
 * flight, and the upgrade would fall back to node:tls (see @sockets/deno's
 * transport.ts).
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
/** The read-ahead's buffer: room for a greeting or a short reply, little for an idle socket to pin. */
const READ_AHEAD_BYTES = 512;

/**
 * When the read-ahead starts: never (`"starttls"` sockets), a macrotask after
 * the connection opened (dialled sockets), or when the socket's owner asks
 * (a server's accepted socket, once its handler's synchronous part has run:
 * no timer per connection; see serve.ts).
 */
export type ReadAhead = "off" | "next-task" | "on-request";

export class PullReadSide implements ReadSide, UnderlyingByteSource {
  #stream: ReadableStream<Uint8Array> | null = null;
  #controller: ReadableByteStreamController | null = null;
  #transport: PullTransport | null = null;
  #whenAttached: (() => void) | null = null;
  #finished = false;
  /** Made by the first default read. */
  #buffer: DefaultReadBuffer | null = null;
  /** Set by `error()` when it came before the stream existed. */
  #error: { readonly reason: unknown } | null = null;
  /** "off" on a socket that may be upgraded by startTls(): see above. */
  readonly #readAhead: ReadAhead;
  /** The read-ahead's transport read while it is in flight: the first pull waits for it. */
  #ahead: Promise<void> | null = null;
  /** Bytes the read-ahead got before the stream existed: its first chunk. */
  #held: Uint8Array<ArrayBuffer> | null = null;
  readonly #hooks: ReadSideHooks;

  constructor(hooks: ReadSideHooks, readAhead: ReadAhead) {
    this.#hooks = hooks;
    this.#readAhead = readAhead;
  }

  get stream(): ReadableStream<Uint8Array> {
    this.#stream ??= this.#createStream();
    return this.#stream;
  }

  /**
   * The read side is the stream's underlying source itself, as PushReadSide
   * is (see there): only the stream calls `start`, `pull` and `cancel`.
   */
  readonly type = "bytes";

  start(controller: ReadableByteStreamController): void {
    this.#controller = controller;
    const held = this.#held;
    if (held !== null) {
      this.#held = null;
      controller.enqueue(held);
    }
    if (!this.#finished) return;
    if (this.#error !== null) controller.error(this.#error.reason);
    else closeByteStream(controller);
  }

  pull(): Promise<void> {
    return this.#pull();
  }

  cancel(): void {
    this.#finished = true;
    this.#wake();
  }

  #createStream(): ReadableStream<Uint8Array> {
    return new ReadableStream(this, { highWaterMark: 0 });
  }

  attach(transport: Transport): void {
    this.#transport = transport as PullTransport;
    this.#wake();
    if (this.#readAhead === "next-task" && this.#stream === null && !this.#finished) {
      // A macrotask later: code that reads right after `await opened`, or
      // closes then (churn, health checks), has had its turn and needs no
      // read-ahead. Starting at once cost 24 µs of CPU per open/close on
      // Deno 2.9.6 (the read's rejection at close), deferred 13 µs: in-process
      // A/B, 30 interleaved rounds of 200 connections, process.cpuUsage().
      // One timer for every socket attached in the same turn, not one each:
      // a server accepting a burst, or a pool opening many, pays one timer.
      PullReadSide.#due.push(this);
      if (PullReadSide.#due.length === 1) setTimeout(PullReadSide.#startDueReadAheads, 0);
    }
  }

  /** Starts the read-ahead now, on an "on-request" read side nobody reads yet; otherwise does nothing. */
  startReadAhead(): void {
    if (this.#readAhead === "on-request" && this.#ahead === null && this.#held === null) {
      PullReadSide.#startReadAhead(this);
    }
  }

  /** Read sides waiting for the macrotask that starts their read-ahead. */
  static #due: PullReadSide[] = [];

  static #startDueReadAheads(): void {
    const due = PullReadSide.#due;
    PullReadSide.#due = [];
    for (const side of due) PullReadSide.#startReadAhead(side);
  }

  static #startReadAhead(side: PullReadSide): void {
    const transport = side.#transport;
    if (side.#stream !== null || side.#finished || transport === null) return;
    // A small buffer of its own, not the default reads' (4 KiB and up): the
    // read stays pending while the socket idles, and a Deno read cannot be
    // cancelled, so a consumer that then waits in a BYOB read holds both
    // buffers. With the default buffer that was +4 KiB per idle socket
    // (apps/bench idle-memory-byob on Deno 2.9.6: 2.98× native against a
    // floor of 2.41×); bytes beyond it wait in the kernel for the consumer.
    side.#ahead = side.#readAheadOnce(transport, new Uint8Array(READ_AHEAD_BYTES));
  }

  /**
   * One read while nobody reads: sees EOF and errors, holds the bytes it
   * gets. A `.then`, not an async function: one runs per accepted connection
   * on Deno, and the async function's state and await closures were ~0.3 KB
   * of it (apps/bench FINDINGS.md, change 46).
   */
  #readAheadOnce(transport: PullTransport, buffer: Uint8Array<ArrayBuffer>): Promise<void> {
    return transport.read(buffer).then(
      (n) => this.#readAheadDone(transport, buffer, n),
      (error: unknown) => {
        this.#ahead = null;
        // After close() the read rejects (Deno: Interrupted or BadResource): nobody's concern.
        if (!this.#finished) this.#hooks.onError(error);
      },
    );
  }

  #readAheadDone(
    transport: PullTransport,
    buffer: Uint8Array<ArrayBuffer>,
    n: number | null,
  ): Promise<void> | undefined {
    // A read of nothing: read again (the first pull keeps waiting on the chain).
    if (n === 0 && !this.#finished) return this.#readAheadOnce(transport, buffer);
    this.#ahead = null;
    if (this.#finished) return;
    if (n === null) {
      this.#finish();
      this.#hooks.onEof();
      return;
    }
    const chunk = n === buffer.byteLength ? buffer : buffer.slice(0, n);
    // Made meanwhile: its first pull is waiting for this read.
    if (this.#controller !== null) this.#controller.enqueue(chunk);
    else this.#held = chunk;
  }

  push(): void {
    // Pull transports deliver through read().
  }

  end(): void {
    this.#finish();
  }

  close(): void {
    // As a push read side drops its queue: reads after close() are done.
    this.#held = null;
    this.#finish();
  }

  error(error: unknown): void {
    if (this.#finished) return;
    this.#held = null;
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
    // The read-ahead's read is in flight: a second read would race it.
    if (this.#ahead !== null) return this.#ahead;
    const transport = this.#transport;
    const controller = this.#controller!;
    if (this.#finished || transport === null) return;
    // A BYOB read brings its buffer; a default read has none (no autoAllocateChunkSize).
    // The request's view is already a Uint8Array over the unfilled part of the
    // reader's buffer (Streams spec, ReadableByteStreamControllerGetBYOBRequest),
    // so the transport reads into it as it is: no copy, and no view of our own.
    const request = controller.byobRequest;
    let into: Uint8Array;
    if (request !== null) {
      into = request.view as Uint8Array;
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
