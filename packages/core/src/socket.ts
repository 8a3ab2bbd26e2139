import { formatHostPort, isIPv4, type ParsedAddress } from "./address.js";
import { type Cancellation, CancelSource } from "./cancellation.js";
import { chunkSize, detachedChunk, toBytes } from "./chunk.js";
import { type Deferred, deferred, handledRejection } from "./deferred.js";
import { SocketErrorCode } from "./error-codes.js";
import { toSocketError } from "./error-mapping.js";
import { quietSocketError, SocketError } from "./errors.js";
import {
  type ResolvedOptions,
  startTlsServerName,
  type TlsSettings,
  tlsSettings,
} from "./options.js";
import type { ReadSide, ReadSideHooks } from "./read-side.js";
import { PullReadSide } from "./read-side-pull.js";
import { PushReadSide } from "./read-side-push.js";
import { assertCanStartTls } from "./start-tls.js";
import type { ReadMode, Transport, TransportEvents } from "./transport.js";
import type {
  SecureTransport,
  Socket,
  SocketInfo,
  SocketWritableChunk,
  StartTlsOptions,
} from "./types.js";

/** Told when a socket's `closed` settles (see SocketImpl's constructor). */
export interface ClosedObserver {
  /** `closed` settled, or would have if anyone had asked for it. Called once, synchronously. */
  closed(socket: Socket): void;
}

/** Opens the transport this socket runs on: a fresh connection, or a TLS upgrade of another socket's. */
export type OpenTransport = (cancellation: Cancellation) => Promise<Transport>;

type State = "connecting" | "open" | "closed" | "upgraded";

/** How the connection ended cleanly, before anyone looked at the writable: close(), the peer's FIN, the transport closing. */
type WritableEnd = "closed" | "peer-ended" | "transport-closed";

/** What close() returns on a socket that already failed and let go of everything. */
const RELEASED: Promise<void> = Promise.resolve();

/** Bytes a push transport may deliver ahead of the consumer before it is paused. */
const READ_HIGH_WATER_MARK = 64 * 1024;

/**
 * The one implementation of the spec's Socket. Backends only supply a
 * Transport; every behaviour users see is decided here.
 */
export class SocketImpl implements Socket {
  readonly opened: Promise<SocketInfo>;
  readonly secureTransport: SecureTransport;

  readonly #address: ParsedAddress;
  readonly #options: ResolvedOptions;
  /**
   * Settles `opened`; dropped once it has (`opened` itself is kept as a
   * field): a live socket does not need its resolve and reject functions.
   * Never made for an accepted connection, whose `opened` is settled at once.
   */
  #opened: Deferred<SocketInfo> | null = null;
  /**
   * `closed`, made on first access (see the getter). Until then only the
   * outcome is kept: most accepted sockets are never asked for it, and a
   * deferred with its handled mark was ~0.36 KB per connection on Node 20
   * (apps/bench FINDINGS.md, change 55). A getter on the prototype, as
   * `readable` and `writable` are, and as workerd declares `closed`
   * (cloudflare/workerd src/workerd/api/sockets.h, JSG_READONLY_PROTOTYPE_PROPERTY).
   */
  #closed: Deferred<void> | Promise<void> | null = null;
  /** How `closed` settled, once it has: "resolved", or the failure. */
  #closedOutcome: "resolved" | { readonly error: unknown } | null = null;
  /**
   * Told once, synchronously, when `closed` settles (or would, if nobody
   * asked for it): a server's connection tracking (serve.ts), which then
   * needs no promise reaction per connection. A constructor argument, not
   * a method, so nothing on the socket lets a user call it.
   */
  readonly #onClosed: ClosedObserver | null;
  /**
   * What a write still waiting on the transport rejects with once the socket
   * has let go of it (#release): the failure, or undefined after a plain
   * close (a SocketClosed error then, see #releasedWrite).
   */
  #releaseFailure: unknown;
  /**
   * Cancels the pending attempt (connect, or TLS upgrade); dropped once the
   * transport is handed over, since nobody listens after that: on Deno it
   * holds the AbortController whose signal Deno's connect call takes.
   */
  #attempt: CancelSource | null = null;
  readonly #readMode: ReadMode;
  #readSide: ReadSide | null = null;
  /**
   * Both streams are made on first access: a socket used only for `opened`
   * and `close()` never pays for them (web streams cost tens of µs and several
   * KiB each on Node). State reached before they exist is replayed on creation.
   */
  #writable: WritableStream<SocketWritableChunk> | null = null;
  #writableController: WritableStreamDefaultController | null = null;
  /**
   * The error the writable must start with, when it was failed before it
   * existed; a {@link WritableEnd} names a clean end whose error is made only
   * if the writable ever is.
   */
  #writableError: { readonly reason: unknown } | WritableEnd | null = null;
  /**
   * The writable's controller was errored. The stream keeps its first error
   * (`controller.error()` does nothing once the stream is not "writable",
   * https://streams.spec.whatwg.org/#ws-default-controller-error), so a later
   * clean end makes no error of its own. On Bun the transport reports its
   * close from inside the FIN we send after the peer's, and that discarded
   * second error cost ~1 µs per accepted connection (issue 12).
   */
  #writableErrored = false;
  #state: State = "connecting";
  /** True once the socket failed: `closed` is rejected, and close() must not hand that out. */
  #failed = false;
  #transport: Transport | null = null;
  #upgraded = false;
  #startTlsCalled = false;
  #readEnded = false;
  #writeEnded = false;
  #writeEnding = false;
  /** Chunks accepted by `writable` (counted by the queuing strategy) and chunks fully handed to the transport. */
  #enqueued = 0;
  #written = 0;
  /** Chunks the writable has handed to its sink so far, counted as they arrive. */
  #sinkWrites = 0;
  /**
   * The last chunk the plaintext writable may still send: set by startTls() to
   * what was accepted before it. Anything written after startTls() returned
   * must never go out in cleartext (issue 9, defect 1). null: no limit.
   */
  #writeLimit: number | null = null;
  /** Made by the first flush that has to wait (startTls(), or a peer's FIN with allowHalfOpen false). */
  #flushWaiters: { upTo: number; resolve: () => void }[] | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #unlinkSignal: (() => void) | undefined;

  /**
   * Routes one transport's events to its socket, and ignores them once the
   * socket has let go of that transport. One small object per socket, where
   * closures would cost a function each plus their scope (measured in heap
   * per idle socket); nested here so it can reach the socket's private state.
   */
  static readonly #Listener = class implements TransportEvents {
    readonly #owner: SocketImpl;
    readonly #source: Transport;
    readonly #reads: ReadSide;

    constructor(socket: SocketImpl, transport: Transport, readSide: ReadSide) {
      this.#owner = socket;
      this.#source = transport;
      this.#reads = readSide;
    }

    data(chunk: Uint8Array, borrowed?: boolean): void {
      if (this.#owner.#transport === this.#source) this.#reads.push(chunk, borrowed);
    }

    end(): void {
      if (this.#owner.#transport === this.#source) this.#owner.#onReadEnd();
    }

    error(error: unknown): void {
      const socket = this.#owner;
      if (socket.#transport === this.#source) {
        socket.#fail(toSocketError(error, socket.#address.display, "io"));
      }
    }

    close(): void {
      if (this.#owner.#transport === this.#source) this.#owner.#onTransportClosed();
    }
  };

  /** What a pull read side reports to its socket (an object, not closures: see #Listener). */
  static readonly #PullHooks = class implements ReadSideHooks {
    readonly #owner: SocketImpl;

    constructor(socket: SocketImpl) {
      this.#owner = socket;
    }

    onEof(): void {
      if (this.#owner.#state === "open") this.#owner.#onReadEnd();
    }

    onError(error: unknown): void {
      const socket = this.#owner;
      socket.#fail(toSocketError(error, socket.#address.display, "io"));
    }
  };

  /**
   * The writable's underlying sink. The stream calls its methods with the
   * sink as `this` (Streams spec, SetUpWritableStreamDefaultControllerFromUnderlyingSink),
   * so one small object per socket replaces four closures and their scope.
   */
  static readonly #Sink = class implements UnderlyingSink<SocketWritableChunk> {
    readonly #owner: SocketImpl;

    constructor(socket: SocketImpl) {
      this.#owner = socket;
    }

    start(controller: WritableStreamDefaultController): void {
      const socket = this.#owner;
      socket.#writableController = controller;
      // Made after the socket was closed or failed: start out errored.
      const error = socket.#writableError;
      if (error !== null) {
        socket.#writableErrored = true;
        controller.error(typeof error === "string" ? socket.#endError(error) : error.reason);
      }
    }

    write(chunk: SocketWritableChunk): void | Promise<void> {
      return this.#owner.#write(chunk);
    }

    close(): Promise<void> {
      return this.#owner.#closeWritable();
    }

    abort(): Promise<void> | undefined {
      // Aborting the plaintext writable after startTls() discards what it
      // still holds; the connection itself belongs to the TLS socket now.
      if (this.#owner.#upgraded) return;
      return this.#owner.#closeWritable();
    }
  };

  constructor(
    address: ParsedAddress,
    options: ResolvedOptions,
    secureTransport: SecureTransport,
    readMode: ReadMode,
    open: OpenTransport | Transport,
    onClosed: ClosedObserver | null = null,
  ) {
    this.#onClosed = onClosed;
    this.#readMode = readMode;
    this.#address = address;
    this.#options = options;
    this.secureTransport = secureTransport;
    this.#readSide = this.#createReadSide(readMode, typeof open !== "function");
    if (typeof open === "function") {
      const opened = deferred<SocketInfo>();
      this.#opened = opened;
      this.opened = opened.promise;
      this.#open(open);
      return;
    }
    // A connection a server accepted is open already: attached here, with no
    // promise, microtask or attempt to cancel per connection, so its handler
    // starts on an open socket (apps/bench FINDINGS.md, change 36). Its
    // `opened` is born fulfilled: no settle functions, and no handler to mark
    // it handled, since it never rejects.
    this.opened = Promise.resolve(this.#attach(open, true) as SocketInfo);
  }

  get readable(): ReadableStream<Uint8Array> {
    return this.#readSide!.stream;
  }

  get writable(): WritableStream<SocketWritableChunk> {
    this.#writable ??= this.#createWritable();
    return this.#writable;
  }

  /**
   * The same promise on every access. Made when first asked for: settled
   * already if the socket closed before that (and, on failure, marked
   * handled, as the spec's `closed` is), so a caller sees the same outcome
   * as if it had been made with the socket.
   */
  get closed(): Promise<void> {
    const closed = this.#closed;
    if (closed instanceof Promise) return closed;
    if (closed !== null) return closed.promise;
    const outcome = this.#closedOutcome;
    if (outcome === null) {
      const pending = deferred<void>();
      this.#closed = pending;
      return pending.promise;
    }
    const settled: Promise<void> =
      outcome === "resolved" ? Promise.resolve() : handledRejection(outcome.error);
    this.#closed = settled;
    return settled;
  }

  get upgraded(): boolean {
    return this.#upgraded;
  }

  close(reason?: unknown): Promise<void> {
    // A socket that already failed is released (see #fail): resolve, so
    // cleanup code and drivers that wait on close() (pg-cloudflare's end())
    // finish instead of re-throwing the failure. ARCHITECTURE.md, close().
    if (this.#failed) return RELEASED;
    if (this.#state === "closed" || this.#state === "upgraded") return this.closed;
    const wasConnecting = this.#state === "connecting";
    this.#release();
    // The close error is made only if someone can see it now (a pending
    // `opened`, a writable that exists): creating errors is costly. A
    // writable made later makes its own (#writableError "closed"). No
    // closure here: the build's keepNames would wrap it per call
    // (apps/bench FINDINGS.md, changes 2 and 17).
    if (reason !== undefined || wasConnecting || this.#writableController !== null) {
      const error = reason !== undefined ? reason : this.#closeError(wasConnecting);
      if (wasConnecting) this.#settleOpened(null, error);
      this.#readSide?.close();
      this.#errorWritable(error);
    } else {
      this.#readSide?.close();
      this.#writableError ??= "closed";
      this.#wakeFlushWaiters(true);
    }
    this.#settleClosed("resolved");
    return this.closed;
  }

  #closeError(wasConnecting: boolean): SocketError {
    // `opened` rejects with the first: its stack shows where close() was
    // called. The second only errors the writable (see #endWritable).
    return wasConnecting
      ? new SocketError(
          SocketErrorCode.SocketClosed,
          `close() was called before the connection to ${this.#address.display} was established.`,
        )
      : quietSocketError(
          SocketErrorCode.SocketClosed,
          `The socket to ${this.#address.display} is closed.`,
        );
  }

  startTls(options?: StartTlsOptions): Socket {
    assertCanStartTls(this.secureTransport, this.#startTlsCalled, this.#state === "closed");
    // Validated before anything changes: a bad option leaves the socket as it was.
    const expectedName = startTlsServerName(options);
    this.#startTlsCalled = true;
    this.#upgraded = true;
    const upTo = this.#enqueued;
    this.#writeLimit = upTo;
    // Nothing accepted is still waiting: detach the old writable now, so a
    // write in this same tick or a microtask later rejects at once. Otherwise
    // #write rejects each chunk past the limit when the stream reaches it.
    if (this.#written >= upTo) this.#errorWritable(this.#notWritable());
    const settings = tlsSettings(this.#options, this.#address.hostname, expectedName);
    return new SocketImpl(this.#address, this.#options, "on", this.#readMode, (cancellation) =>
      this.#handOver(upTo, settings, cancellation),
    );
  }

  // ---- connecting -------------------------------------------------------

  #open(open: OpenTransport): void {
    const { signal, connectTimeout } = this.#options;
    if (signal) {
      const onAbort = () =>
        this.#fail(
          new SocketError(
            SocketErrorCode.Aborted,
            `The connection to ${this.#address.display} was aborted by its signal.`,
            { cause: signal.reason },
          ),
        );
      if (signal.aborted) {
        // Fail after connect() returns, as any other connection failure does.
        queueMicrotask(onAbort);
        return;
      }
      signal.addEventListener("abort", onAbort, { once: true });
      this.#unlinkSignal = () => signal.removeEventListener("abort", onAbort);
    }
    if (connectTimeout !== undefined) {
      this.#timer = setTimeout(() => {
        this.#fail(
          new SocketError(
            SocketErrorCode.TimedOut,
            `Connecting to ${this.#address.display} timed out after ${connectTimeout} ms.`,
          ),
        );
      }, connectTimeout);
    }
    let attempt: Promise<Transport>;
    const cancellation = new CancelSource();
    this.#attempt = cancellation;
    try {
      attempt = open(cancellation);
    } catch (error) {
      // A runtime that throws synchronously from its connect call (Node does
      // when a polluted Object.prototype feeds it a bad option, found by the
      // fuzz cases) fails the socket like any other connection error:
      // connect() itself only ever throws SocketErrors about its arguments.
      attempt = Promise.reject(error);
    }
    attempt.then(
      (transport) => {
        const info = this.#attach(transport, false);
        if (info !== null) this.#settleOpened(info);
      },
      (error) => {
        if (this.#state === "connecting") {
          this.#fail(toSocketError(error, this.#address.display, "connect"));
        }
      },
    );
  }

  /**
   * Makes `transport` this socket's connection and returns what `opened`
   * reports; null (and the transport destroyed) if the socket was closed or
   * failed meanwhile. `accepted`: the address is the peer's, already formatted.
   */
  #attach(transport: Transport, accepted: boolean): SocketInfo | null {
    if (this.#state !== "connecting") {
      transport.destroy();
      return null;
    }
    clearTimeout(this.#timer);
    this.#state = "open";
    this.#attempt = null;
    this.#transport = transport;
    const readSide = this.#readSide!;
    transport.listen(new SocketImpl.#Listener(this, transport, readSide));
    readSide.attach(transport);
    // Connected to an IPv4 literal, the peer is that address and port exactly:
    // no need to ask the runtime (getpeername, a syscall per connection on
    // Node and Bun; apps/bench FINDINGS.md, change 17). Same string either way.
    // An accepted socket's address is the peer's, formatted by acceptSocket.
    const address = this.#address;
    const remoteAddress =
      accepted || isIPv4(address.hostname)
        ? address.display
        : formatHostPort(transport.remote.address, transport.remote.port);
    const { local, alpn } = transport;
    // A runtime that does not know our end leaves the field out: "" is not an address.
    return local.address === ""
      ? { remoteAddress, alpn }
      : { remoteAddress, localAddress: formatHostPort(local.address, local.port), alpn };
  }

  // ---- reading ----------------------------------------------------------

  /**
   * Starts an accepted socket's read-ahead (read-side-pull.ts) once its
   * handler's synchronous part has run; not part of the Socket interface.
   */
  startReadAhead(): void {
    this.#readSide?.startReadAhead?.();
  }

  #createReadSide({ kind, byobFill = "respond" }: ReadMode, accepted: boolean): ReadSide {
    if (kind === "push") return new PushReadSide(READ_HIGH_WATER_MARK, byobFill === "respond");
    const readAhead =
      this.secureTransport === "starttls" ? "off" : accepted ? "on-request" : "next-task";
    return new PullReadSide(new SocketImpl.#PullHooks(this), readAhead);
  }

  #onReadEnd(): void {
    this.#readSide?.end();
    this.#readEnded = true;
    if (this.#options.allowHalfOpen) this.#maybeFinish();
    else void this.#endWriteSide();
  }

  /** allowHalfOpen false: the peer ended, so flush what was written, send our FIN, and finish. */
  #endWriteSide(): void {
    if (this.#writeEnding) return;
    // Our side already sent FIN (writer.close()): both directions are done now.
    if (this.#writeEnded) {
      this.#maybeFinish();
      return;
    }
    this.#writeEnding = true;
    // A `.then`, not an async function (its state and await closures cost
    // ~1 KB per connection on Node; apps/bench FINDINGS.md, change 46). Even
    // when every write is out, the FIN waits this one microtask, as it always
    // did: sent from inside Node's 'end' event, it made the Node conformance
    // run hang at exit (observed, not root-caused).
    void this.#flushed(this.#enqueued).then(() => this.#sendFin());
  }

  #sendFin(): void {
    this.#endWritable("peer-ended");
    const transport = this.#transport;
    if (transport === null || this.#state !== "open") return;
    // Both directions are done once our FIN is out: a transport that can end
    // and close in one step does (apps/bench FINDINGS.md, change 39).
    let ending: void | Promise<void>;
    try {
      ending = transport.finish !== undefined ? transport.finish() : transport.shutdown();
    } catch {
      // The peer is gone already; nothing left to flush.
      ending = undefined;
    }
    if (ending === undefined) this.#finSent();
    else {
      // Inline, not a named const: the build's keepNames would wrap it per
      // call (apps/bench FINDINGS.md, changes 2 and 17).
      ending.then(
        () => this.#finSent(),
        () => this.#finSent(),
      );
    }
  }

  #finSent(): void {
    this.#writeEnded = true;
    this.#maybeFinish();
  }

  #onTransportClosed(): void {
    if (this.#state !== "open") return;
    this.#readSide?.end();
    this.#readEnded = true;
    this.#writeEnded = true;
    this.#endWritable("transport-closed");
    this.#maybeFinish();
  }

  #maybeFinish(): void {
    if (this.#state !== "open" || !this.#readEnded || !this.#writeEnded) return;
    this.#release();
    this.#settleClosed("resolved");
  }

  // ---- writing ----------------------------------------------------------

  #createWritable(): WritableStream<SocketWritableChunk> {
    const socket = this;
    return new WritableStream<SocketWritableChunk>(new SocketImpl.#Sink(this), {
      highWaterMark: this.#options.highWaterMark,
      // Called without a `this` (Streams spec, ExtractSizeAlgorithm): a closure.
      size(chunk) {
        // Counting what the stream accepts lets startTls() and the
        // allowHalfOpen:false path flush exactly the writes made before them.
        socket.#enqueued++;
        return chunkSize(chunk);
      },
    });
  }

  #write(chunk: SocketWritableChunk): void | Promise<void> {
    // No limit is null, not Infinity: a double field is a boxed heap number
    // in every socket on V8 (16 B per idle socket).
    const count = ++this.#sinkWrites;
    if (this.#writeLimit !== null && count > this.#writeLimit) throw this.#notWritable();
    const bytes = toBytes(chunk);
    if (bytes.byteLength === 0) return this.#wrote();
    const transport = this.#transport;
    if (transport !== null && this.#state === "open") return this.#send(transport, bytes);
    // Not connected yet: the stream holds later chunks until this one is sent.
    const length = bytes.byteLength;
    return this.opened.then(() => {
      const t = this.#transport;
      if (t === null || this.#state !== "open") throw this.#notWritable();
      // The caller may have transferred the buffer while we waited: its view
      // now reads as empty. Report it rather than fulfil a write of nothing
      // (issue 9, defect 8).
      if (bytes.byteLength !== length) throw detachedChunk();
      return this.#send(t, bytes);
    });
  }

  #send(transport: Transport, bytes: Uint8Array): void | Promise<void> {
    let pending: void | Promise<void>;
    try {
      pending = transport.write(bytes);
    } catch (error) {
      throw this.#writeFailed(error);
    }
    if (pending === undefined) return this.#wrote();
    // The writable waits on the transport's own promise, with no promise of
    // ours around it: a transport settles its pending write when destroyed
    // (Transport.write), so letting go of it (#release) ends the wait too,
    // and the write then rejects with the socket's failure, whatever the
    // transport said. On Deno every write waits here: a wrapper and its
    // closures cost ~60 ns per write (apps/bench FINDINGS.md, change 29).
    return pending.then(
      () => {
        if (this.#transport !== transport) throw this.#releasedWrite();
        this.#wrote();
      },
      (error: unknown) => {
        throw this.#transport !== transport ? this.#releasedWrite() : this.#writeFailed(error);
      },
    );
  }

  /** The error of a write that was still waiting when the socket let go of its transport. */
  #releasedWrite(): unknown {
    return (
      this.#releaseFailure ??
      new SocketError(
        SocketErrorCode.SocketClosed,
        `The socket to ${this.#address.display} is closed.`,
      )
    );
  }

  /**
   * A write the transport refused means the connection is broken: the whole
   * socket fails with that error, so the write, reads and `closed` all carry
   * the same one (issue 9, defects 4 and 9; some runtimes report the reset
   * only to the write and then close as if gracefully).
   */
  #writeFailed(error: unknown): SocketError {
    const failure = toSocketError(error, this.#address.display, "io");
    if (failure.code !== SocketErrorCode.SocketClosed) this.#fail(failure);
    return failure;
  }

  #wrote(): void {
    this.#written++;
    if (this.#flushWaiters !== null) this.#wakeFlushWaiters(false);
  }

  /** Resolves once every chunk accepted up to `upTo` has been handed to the transport. */
  #flushed(upTo: number): Promise<void> {
    if (this.#written >= upTo) return Promise.resolve();
    return new Promise((resolve) => {
      this.#flushWaiters ??= [];
      this.#flushWaiters.push({ upTo, resolve });
    });
  }

  #wakeFlushWaiters(all: boolean): void {
    const waiters = this.#flushWaiters;
    if (waiters === null) return;
    const left = waiters.filter((w) => {
      if (!all && this.#written < w.upTo) return true;
      w.resolve();
      return false;
    });
    this.#flushWaiters = left.length > 0 ? left : null;
  }

  async #closeWritable(): Promise<void> {
    // After startTls() the connection belongs to the TLS socket: no FIN from here.
    if (this.#upgraded) throw this.#notWritable();
    await this.opened;
    const transport = this.#transport;
    if (transport === null || this.#state !== "open") throw this.#notWritable();
    try {
      await transport.shutdown();
    } catch (error) {
      throw toSocketError(error, this.#address.display, "io");
    }
    this.#writeEnded = true;
    this.#maybeFinish();
  }

  /** Errors the writable with `error`; if it does not exist yet, it will be created errored. */
  #errorWritable(error: unknown): void {
    const controller = this.#writableController;
    // A stream keeps its first error; so does one created later.
    if (controller !== null) {
      this.#writableErrored = true;
      controller.error(error);
    } else this.#writableError ??= { reason: error };
    this.#wakeFlushWaiters(true);
  }

  /**
   * Errors the writable because the connection ended cleanly. The error is
   * made only if the writable exists (or is made later), and without a stack
   * trace: these ends come from the runtime's event callbacks, and on a server
   * that greets and lets the client close, one such error per connection was
   * measurable (apps/bench FINDINGS.md, changes 32 and 35).
   */
  #endWritable(end: WritableEnd): void {
    const controller = this.#writableController;
    if (controller === null) this.#writableError ??= end;
    else if (!this.#writableErrored) {
      this.#writableErrored = true;
      controller.error(this.#endError(end));
    }
    this.#wakeFlushWaiters(true);
  }

  #endError(end: WritableEnd): SocketError {
    if (end === "closed") return this.#closeError(false);
    return quietSocketError(
      SocketErrorCode.SocketClosed,
      end === "peer-ended"
        ? `${this.#address.display} ended the connection and allowHalfOpen is false, so the socket is closed for writing.`
        : `The connection to ${this.#address.display} is closed.`,
    );
  }

  #notWritable(): SocketError {
    return new SocketError(
      SocketErrorCode.SocketClosed,
      this.#upgraded
        ? "This socket was upgraded by startTls(): write to the socket startTls() returned."
        : `The socket to ${this.#address.display} is closed.`,
    );
  }

  // ---- startTls ---------------------------------------------------------

  async #handOver(
    upTo: number,
    settings: TlsSettings,
    cancellation: Cancellation,
  ): Promise<Transport> {
    await this.opened;
    await this.#flushed(upTo);
    const transport = this.#transport;
    if (transport === null || this.#state !== "open") {
      throw new SocketError(
        SocketErrorCode.SocketClosed,
        `The connection to ${this.#address.display} closed before the TLS upgrade could start.`,
      );
    }
    // Detach the plaintext side: its readers end, its writers reject, and its
    // `closed` resolves now, after the new socket is already writable
    // (postgres.js reads that order as "TLS is up", SPEC startTls; workerd).
    this.#state = "upgraded";
    this.#transport = null;
    clearTimeout(this.#timer);
    this.#unlinkSignal?.();
    this.#readSide?.close();
    this.#errorWritable(this.#notWritable());
    this.#settleClosed("resolved");
    try {
      return await transport.upgrade(settings, cancellation);
    } catch (error) {
      transport.destroy();
      throw toSocketError(error, this.#address.display, "tls");
    }
  }

  // ---- failing and releasing --------------------------------------------

  /** Resolves `opened` with `info`, or rejects it with `error` when `info` is null; later calls do nothing. */
  #settleOpened(info: SocketInfo | null, error?: unknown): void {
    const opened = this.#opened;
    if (opened === null) return;
    this.#opened = null;
    if (info !== null) opened.resolve(info);
    else opened.reject(error);
  }

  #fail(error: unknown): void {
    if (this.#state === "closed" || this.#state === "upgraded") return;
    const wasConnecting = this.#state === "connecting";
    this.#failed = true;
    // A write waiting on backpressure rejects with the failure itself, as
    // reads and `closed` do (issue 9, defect 9).
    this.#release(error);
    this.#settleOpened(null, error);
    // A failed connection ends reads (SPEC connect step 7); a live one that
    // breaks errors them, so a read loop learns why.
    if (wasConnecting) this.#readSide?.close();
    else this.#readSide?.error(error);
    this.#errorWritable(error);
    this.#settleClosed({ error });
  }

  /** Settles `closed` (or records how, if nobody asked for it yet); the first outcome wins. */
  #settleClosed(outcome: "resolved" | { readonly error: unknown }): void {
    if (this.#closedOutcome !== null) return;
    this.#closedOutcome = outcome;
    const closed = this.#closed;
    if (closed !== null && !(closed instanceof Promise)) {
      if (outcome === "resolved") closed.resolve();
      else closed.reject(outcome.error);
    }
    this.#onClosed?.closed(this);
  }

  /** Leaves the open states for good and lets go of the connection; `failure` is what a waiting write rejects with. */
  #release(failure?: unknown): void {
    const wasConnecting = this.#state === "connecting";
    this.#state = "closed";
    clearTimeout(this.#timer);
    this.#unlinkSignal?.();
    // Only a pending attempt (connect or TLS upgrade) listens: once the
    // transport is handed over, nobody would see the reason.
    if (wasConnecting) {
      this.#attempt?.cancel(
        quietSocketError(
          SocketErrorCode.SocketClosed,
          `The connection attempt to ${this.#address.display} was abandoned.`,
        ),
      );
    }
    // Set before destroy(): a write waiting on the transport settles then
    // (Transport.write), and rejects with this.
    this.#releaseFailure = failure;
    const transport = this.#transport;
    this.#transport = null;
    transport?.destroy();
  }
}
