import {
  type Cancellation,
  type Deferred,
  deferred,
  type ResolvedOptions,
} from "@sockets/core/backend";
import type { BunSocket, BunSocketHandler } from "./bun-api.js";
import { applySocketOptions } from "./socket-options.js";

/** Where a Link delivers a live socket's events: the transport, once core listens. */
export interface LinkTarget {
  onData(chunk: Uint8Array): void;
  onDrain(): void;
  onEnd(): void;
  onClose(error: Error | undefined): void;
  onError(error: Error): void;
}

type State = "connecting" | "ready" | "failed" | "detached";

/** A failed handshake Bun gave no reason for; the code maps to ERR_TLS_HANDSHAKE. */
function handshakeFailed(): Error {
  return Object.assign(new Error("The TLS handshake failed."), { code: "ERR_TLS_HANDSHAKE" });
}

/**
 * One Bun socket's state, kept in `socket.data`: Bun's handlers are shared by
 * every socket of a `Bun.connect` (or `upgradeTLS`) call and are not
 * EventEmitters, so each event is routed through the socket's Link.
 *
 * While connecting, the Link settles `ready`: on `open` for plain TCP, and for
 * TLS only in `handshake`, after the certificate was verified. `Bun.connect`
 * resolves before the TLS handshake, and without a `handshake` handler an
 * untrusted certificate closes the socket silently
 * (https://bun.com/docs/runtime/networking/tcp; measured in Bun 1.4.5).
 *
 * Once ready, events go to the target; those that arrive before core listens
 * (a TLS server may send right after its handshake) wait in a backlog.
 */
export class Link {
  readonly #secure: boolean;
  /** Options to apply once connected; null for a TLS upgrade (the TCP socket has them). */
  readonly #options: ResolvedOptions | null;
  readonly #ready: Promise<BunSocket<Link>>;
  /**
   * Settles `#ready`; dropped once it has, with the backlog made only when an
   * event has to wait: an idle socket keeps its Link for as long as it lives
   * (objects per idle socket counted with bun:jsc heapStats, FINDINGS.md).
   */
  #settle: Deferred<BunSocket<Link>> | null;
  #state: State = "connecting";
  #socket: BunSocket<Link> | null = null;
  #target: LinkTarget | null = null;
  #backlog: ((target: LinkTarget) => void)[] | null = null;
  /** The attempt's cancellation and our listener on it, while connecting. */
  #cancellation: Cancellation | null = null;
  #onCancel: ((reason: unknown) => void) | null = null;

  /**
   * False for a listener's TLS that asks for no client certificate: Bun then
   * still reports why the (absent) peer certificate would not verify (e.g.
   * UNABLE_TO_GET_ISSUER_CERT, measured in Bun 1.4.5), which is no failure.
   */
  readonly #verifyPeer: boolean;
  /** Finds the runtime's real reason for a failed connect (connect-error.ts); none for upgrades. */
  readonly #explainConnectError: ((error: unknown) => Promise<unknown>) | null;
  #connectErrorSeen = false;

  constructor(
    secure: boolean,
    options: ResolvedOptions | null,
    verifyPeer = true,
    explainConnectError: ((error: unknown) => Promise<unknown>) | null = null,
  ) {
    this.#secure = secure;
    this.#options = options;
    this.#settle = deferred();
    this.#ready = this.#settle.promise;
    this.#verifyPeer = verifyPeer;
    this.#explainConnectError = explainConnectError;
  }

  /**
   * Resolves with the socket once it is usable (for TLS, verified); rejects
   * with the runtime's error, or the cancellation's reason when the attempt is
   * abandoned. The socket is closed on every failure.
   */
  whenReady(cancellation: Cancellation): Promise<BunSocket<Link>> {
    if (cancellation.cancelled) {
      this.fail(cancellation.reason);
    } else if (this.#state === "connecting") {
      // A bound method, not a named arrow (the build's keepNames wraps those);
      // removed when the attempt settles (#stopListening), with no promise
      // reaction of its own: one promise and two functions less per connection.
      this.#onCancel = this.fail.bind(this);
      this.#cancellation = cancellation;
      cancellation.onCancel(this.#onCancel);
    }
    return this.#ready;
  }

  #stopListening(): void {
    if (this.#onCancel !== null) this.#cancellation?.offCancel(this.#onCancel);
    this.#cancellation = null;
    this.#onCancel = null;
  }

  /** Gives up the attempt: rejects `ready` with `error` and closes the socket. */
  fail(error: unknown): void {
    if (this.#state !== "connecting") return;
    this.#state = "failed";
    this.#stopListening();
    this.#settle?.reject(error);
    this.#settle = null;
    // A reset, not a graceful close: the connection never became usable
    // (and a stalled TLS handshake must not linger).
    this.#socket?.terminate();
  }

  /** Starts delivering events to `target`, first those that arrived before. */
  attach(target: LinkTarget): void {
    if (this.#state !== "ready") return;
    this.#target = target;
    const backlog = this.#backlog;
    this.#backlog = null;
    if (backlog !== null) for (const event of backlog) event(target);
  }

  /** Stops routing for good (destroyed, or consumed by a TLS upgrade). */
  detach(): void {
    this.#state = "detached";
    this.#target = null;
    this.#backlog = null;
  }

  // ---- from the shared handlers ----------------------------------------

  /** From the `open` handler, and again when the `Bun.connect` promise resolves. */
  onOpen(socket: BunSocket<Link>): void {
    if (this.#socket !== null) return;
    this.#socket = socket;
    if (this.#state === "failed") {
      // Abandoned while the TCP connection was being made.
      socket.terminate();
      return;
    }
    if (this.#options !== null) applySocketOptions(socket, this.#options);
    if (!this.#secure) this.#becomeReady(socket);
  }

  onHandshake(socket: BunSocket<Link>, success: boolean, authorizationError: Error | null): void {
    if (this.#state !== "connecting") return;
    this.#socket = socket;
    // rejectUnauthorized is set, so a verification error is fatal; check both
    // rather than trust `success` alone.
    if (success && (authorizationError === null || !this.#verifyPeer)) this.#becomeReady(socket);
    else this.fail(authorizationError ?? handshakeFailed());
  }

  onData(chunk: Uint8Array): void {
    // The hot path: no closure once core listens.
    if (this.#target !== null) this.#target.onData(chunk);
    else this.#deliver((target) => target.onData(chunk));
  }

  onDrain(): void {
    // Nothing is written before core listens: no backlog needed.
    if (this.#state === "ready") this.#target?.onDrain();
  }

  onEnd(): void {
    this.#deliver((target) => target.onEnd());
  }

  onClose(error: Error | undefined): void {
    if (this.#state === "connecting") {
      this.fail(error ?? new Error("The connection closed before it was established."));
    } else {
      this.#deliver((target) => target.onClose(error));
    }
  }

  onError(error: Error): void {
    if (this.#state === "connecting") this.fail(error);
    else this.#deliver((target) => target.onError(error));
  }

  /** From `connectError`, and from the rejected `Bun.connect` promise: the attempt failed. */
  onConnectError(error: unknown): void {
    // Bun reports either one or both: the first counts.
    if (this.#state !== "connecting" || this.#connectErrorSeen) return;
    this.#connectErrorSeen = true;
    const explain = this.#explainConnectError;
    if (explain === null) {
      this.fail(error);
      return;
    }
    explain(error).then(
      (explained) => this.fail(explained),
      () => this.fail(error),
    );
  }

  #becomeReady(socket: BunSocket<Link>): void {
    this.#state = "ready";
    this.#stopListening();
    this.#settle?.resolve(socket);
    this.#settle = null;
  }

  #deliver(event: (target: LinkTarget) => void): void {
    if (this.#state !== "ready") return;
    if (this.#target !== null) {
      event(this.#target);
      return;
    }
    this.#backlog ??= [];
    this.#backlog.push(event);
  }
}

/**
 * One handler object for every socket this backend opens; each event goes to
 * the socket's own Link (https://bun.com/docs/runtime/networking/tcp: handlers
 * are declared once and shared, not assigned per socket). A plain socket's
 * `data` becomes its transport once core listens (BunTransport.listen), which
 * takes the events a live plain socket gets (data, drain, end, close, error).
 */
export const handlers: BunSocketHandler<Link> = {
  // Each chunk owns its whole ArrayBuffer (measured), so core can hand it to
  // the byte stream without a copy.
  binaryType: "uint8array",
  open: (socket) => socket.data.onOpen(socket),
  handshake: (socket, success, authorizationError) =>
    socket.data.onHandshake(socket, success, authorizationError),
  data: (socket, chunk) => socket.data.onData(chunk),
  drain: (socket) => socket.data.onDrain(),
  end: (socket) => socket.data.onEnd(),
  close: (socket, error) => socket.data.onClose(error),
  error: (socket, error) => socket.data.onError(error),
  // With this handler, Bun does not also report the rejected `Bun.connect`
  // promise as unhandled; the Link fails on whichever comes first.
  connectError: (socket, error) => (socket.data as Link | undefined)?.onConnectError(error),
};
