import type {
  SecureTransport,
  Socket,
  SocketInfo,
  SocketWritableChunk,
  StartTlsOptions,
} from "@sockets/core";
import {
  assertCanStartTls,
  type Deferred,
  deferred,
  type ErrorPhase,
  type ParsedAddress,
  type ResolvedOptions,
  SocketError,
  SocketErrorCode,
  startTlsServerName,
} from "@sockets/core/backend";
import type { NativeSocket, NativeSocketInfo } from "./cloudflare-sockets-types.js";
import { fromWorkerdError } from "./errors.js";

type State = "connecting" | "open" | "closing" | "closed";

const ignore = () => {};

/** What close() returns on a socket that already failed and let go of the connection. */
const RELEASED: Promise<void> = Promise.resolve();

/**
 * The spec's Socket over a native workerd socket. `readable` and `writable`
 * ARE workerd's own streams: no byte passes through our code. What differs is
 * only what ARCHITECTURE.md decides differently from workerd, all of it in the
 * promises and methods around the streams:
 *
 * - `close()` returns `closed` itself, and before the connection is made it
 *   rejects `opened` with ERR_SOCKET_CLOSED and resolves `closed` at once
 *   (workerd waits for the attempt to settle, about 21 s for one that hangs:
 *   cloudflare/workerd#2060);
 * - `opened`/`closed` reject with SocketErrors (see errors.ts), `closed` with
 *   the very error of `opened`;
 * - `SocketInfo` has `alpn` (`null`: workerd has no ALPN), and `localAddress`
 *   only when workerd reports it (it does not for outbound sockets);
 * - `close()` on a socket that already failed resolves (`closed` keeps the
 *   failure), as workerd's own close() does: pg-cloudflare's `end()` waits
 *   for it;
 * - `signal` and `connectTimeout`, which workerd lacks;
 * - `startTls()`'s preconditions throw core's SocketErrors, and `upgraded` is
 *   true as soon as `startTls()` runs (workerd sets it when the upgrade
 *   completes).
 */
export class WorkerdSocket implements Socket {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<SocketWritableChunk>;
  readonly opened: Promise<SocketInfo>;
  readonly closed: Promise<void>;
  readonly secureTransport: SecureTransport;

  readonly #native: NativeSocket | null;
  readonly #address: ParsedAddress;
  readonly #options: ResolvedOptions;
  readonly #opened: Deferred<SocketInfo> = deferred();
  readonly #closed: Deferred<void> = deferred();
  #state: State = "connecting";
  /** True once the socket failed: `closed` is rejected, and close() must not hand that out. */
  #failed = false;
  #upgraded = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #unlinkSignal: (() => void) | undefined;

  /**
   * `native` is null when the signal was already aborted at `connect()`: no
   * connection is attempted, and the streams are stand-ins that are done.
   */
  constructor(
    native: NativeSocket | null,
    address: ParsedAddress,
    options: ResolvedOptions,
    secureTransport: SecureTransport,
    phase: ErrorPhase,
  ) {
    this.#native = native;
    this.#address = address;
    this.#options = options;
    this.secureTransport = secureTransport;
    this.opened = this.#opened.promise;
    this.closed = this.#closed.promise;
    if (native === null) {
      this.readable = new ReadableStream({ type: "bytes", start: (c) => c.close() });
      this.writable = new WritableStream({ start: (c) => c.error(this.#abortError()) });
      queueMicrotask(() => this.#fail(this.#abortError()));
      return;
    }
    this.readable = native.readable;
    this.writable = native.writable;
    native.opened.then(
      (info) => this.#onOpened(info),
      (error) => this.#fail(fromWorkerdError(error, address.display, phase)),
    );
    native.closed.then(
      () => this.#onNativeClosed(),
      (error) => {
        // Once close() runs, its own outcome decides: workerd can reject
        // `closed` with "This socket has been closed." while its close()
        // resolves, when the peer had already ended (cloudflare/workerd#6479).
        if (this.#state === "closing") return;
        this.#fail(
          fromWorkerdError(error, address.display, this.#state === "connecting" ? phase : "io"),
        );
      },
    );
    this.#watch();
  }

  get upgraded(): boolean {
    return this.#upgraded;
  }

  close(): Promise<void> {
    // A socket that already failed has let go of the connection (see #fail):
    // resolve, so pg-cloudflare's end() and `finally { await socket.close() }`
    // finish instead of re-throwing the failure. ARCHITECTURE.md, close().
    if (this.#failed) return RELEASED;
    if (this.#upgraded || this.#state === "closing" || this.#state === "closed") return this.closed;
    const native = this.#native;
    if (this.#state === "connecting" || native === null) {
      const error = new SocketError(
        SocketErrorCode.SocketClosed,
        `close() was called before the connection to ${this.#address.display} was established.`,
      );
      this.#settle();
      this.#opened.reject(error);
      this.#closed.resolve();
      this.#abandon(error);
      return this.closed;
    }
    this.#state = "closing";
    this.#unwatch();
    native.close().then(
      () => this.#finish(),
      (error) => this.#fail(fromWorkerdError(error, this.#address.display, "io")),
    );
    return this.closed;
  }

  startTls(options?: StartTlsOptions): Socket {
    // The same preconditions and messages as every other runtime (core).
    assertCanStartTls(
      this.secureTransport,
      this.#upgraded,
      this.#native === null || this.#state === "closing" || this.#state === "closed",
    );
    // Only the validated name goes on to workerd, whatever else a driver passed.
    const expectedServerHostname = startTlsServerName(options);
    // Not null: assertCanStartTls threw for a closed socket.
    const native = this.#native as NativeSocket;
    // workerd hands the plaintext streams over to the TLS connection. If a
    // reader or writer still holds one, the handover fails inside workerd and
    // the new socket's `opened` never settles (verified, workerd 1.20261117):
    // refuse now rather than hang.
    if (native.readable.locked || native.writable.locked) {
      throw new SocketError(
        SocketErrorCode.InvalidState,
        "startTls() on Cloudflare Workers needs the socket's reader and writer released first: call reader.releaseLock() and writer.releaseLock() (after awaiting your last write) before startTls(). workerd moves the plaintext streams into the TLS connection and cannot while they are locked.",
      );
    }
    let secure: NativeSocket;
    try {
      secure = native.startTls(
        expectedServerHostname === undefined ? undefined : { expectedServerHostname },
      );
    } catch (error) {
      throw fromWorkerdError(error, this.#address.display, "tls");
    }
    this.#upgraded = true;
    // The new socket owns the connection now, with its own signal and timeout
    // (as core does); this one only waits for workerd to resolve its `closed`,
    // which it does once the new socket is writable.
    this.#unwatch();
    return new WorkerdSocket(secure, this.#address, this.#options, "on", "tls");
  }

  // ---- workerd's events ---------------------------------------------------

  #onOpened(info: NativeSocketInfo): void {
    if (this.#state !== "connecting") return;
    this.#state = "open";
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const remoteAddress = info.remoteAddress ?? this.#address.display;
    // workerd does not report our end of an outbound connection: leave the
    // field out, as workerd's SocketInfo does ("" is not an address).
    this.#opened.resolve(
      info.localAddress === undefined || info.localAddress === ""
        ? { remoteAddress, alpn: null }
        : { remoteAddress, localAddress: info.localAddress, alpn: null },
    );
  }

  #onNativeClosed(): void {
    if (this.#state === "closed") return;
    if (this.#state === "connecting") {
      // Not seen in practice: workerd rejects `opened` first when an attempt fails.
      this.#fail(
        new SocketError(
          SocketErrorCode.SocketClosed,
          `The connection to ${this.#address.display} closed before it was established.`,
        ),
      );
      return;
    }
    this.#finish();
  }

  // ---- settling -----------------------------------------------------------

  #finish(): void {
    if (this.#state === "closed") return;
    this.#settle();
    this.#closed.resolve();
  }

  /** Rejects what is pending with one error, and lets go of the connection. */
  #fail(error: SocketError): void {
    if (this.#state === "closed") return;
    const wasConnecting = this.#state === "connecting";
    this.#failed = true;
    this.#settle();
    if (wasConnecting) this.#opened.reject(error);
    this.#closed.reject(error);
    if (wasConnecting) this.#abandon(error);
    else this.#native?.close().then(ignore, ignore);
  }

  #settle(): void {
    this.#state = "closed";
    this.#unwatch();
  }

  /**
   * Gives up on a connection attempt. workerd's close() waits for the attempt
   * to settle before it does anything (cloudflare/workerd#2060), so the streams
   * are cancelled and aborted here where no reader or writer holds them.
   */
  #abandon(reason: unknown): void {
    const native = this.#native;
    if (native === null) return;
    if (!native.readable.locked) native.readable.cancel(reason).then(ignore, ignore);
    if (!native.writable.locked) native.writable.abort(reason).then(ignore, ignore);
    native.close().then(ignore, ignore);
  }

  // ---- signal and connect timeout ----------------------------------------

  #abortError(): SocketError {
    return new SocketError(
      SocketErrorCode.Aborted,
      `The connection to ${this.#address.display} was aborted by its signal.`,
      { cause: this.#options.signal?.reason },
    );
  }

  #watch(): void {
    const { signal, connectTimeout } = this.#options;
    if (signal) {
      if (signal.aborted) {
        // Fail after connect() returns, as any other connection failure does.
        queueMicrotask(() => this.#fail(this.#abortError()));
        return;
      }
      const onAbort = () => this.#fail(this.#abortError());
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
  }

  #unwatch(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#unlinkSignal?.();
    this.#unlinkSignal = undefined;
  }
}
