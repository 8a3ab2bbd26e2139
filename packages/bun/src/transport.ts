import {
  type AcceptedConnection,
  type Cancellation,
  type Endpoint,
  type PushTransport,
  SocketError,
  SocketErrorCode,
  type TlsSettings,
  type Transport,
  type TransportEvents,
} from "@sockets/core/backend";
import type { BunServerTlsOptions, BunSocket } from "./bun-api.js";
import { handlers, Link, type LinkTarget } from "./link.js";
import { bunTlsOptions } from "./tls.js";

/** A write Bun took only part of: the rest goes out on `drain`. */
interface PendingWrite {
  rest: Uint8Array;
  resolve(): void;
  reject(error: unknown): void;
}

function notWritable(): SocketError {
  return new SocketError(SocketErrorCode.SocketClosed, "The connection is closed for writing.");
}

/**
 * What a close we did not ask for means. Bun sometimes reports a peer's reset
 * during an upload as a `close` with no error, and a write as -1 before that
 * (9 of 20 runs in Bun 1.4.5; issue 9, defect 4). A graceful end always
 * brings the peer's FIN (`end`) or follows our own shutdown(), so a close
 * with neither is a reset.
 */
function resetByPeer(): Error {
  return Object.assign(
    new Error("The connection was reset: it closed without the peer's FIN or our shutdown."),
    { code: "ECONNRESET" },
  );
}

/**
 * What a socket's `data` holds: its Link (TLS sockets, and any socket until
 * core listens), or the transport itself: on a plain listener's accepted
 * socket from the start (core listens inside Bun's `open` there, so nothing
 * needs routing or holding back: server.ts), and on a dialled plain socket
 * once core listens (`listen`).
 */
export type SocketState = Link | BunTransport;

/**
 * A connected Bun socket as a core transport. Sockets are opened with
 * `allowHalfOpen: true` so Bun never closes our side on the peer's FIN; core
 * implements the spec's `allowHalfOpen: false`.
 */
export class BunTransport implements PushTransport, LinkTarget, AcceptedConnection {
  readonly kind = "push";
  /**
   * Plain TCP chunks from Bun each own their whole ArrayBuffer (binaryType
   * "uint8array"; checked in Bun 1.4.5 with reads of up to 512 KiB), so core
   * enqueues them as they are. TLS chunks were not checked: core checks them.
   */
  readonly chunksOwnTheirBuffer: boolean;
  readonly local: Endpoint;
  readonly alpn: string | null;
  readonly #socket: BunSocket<SocketState>;
  #events: TransportEvents | null = null;
  /** Asked of Bun only when core wants it: see `remote`. */
  #remote: Endpoint | null = null;
  #pending: PendingWrite | null = null;
  /** Destroyed or handed to a TLS upgrade: nothing more goes through this object. */
  #released = false;
  /** Set on a listener's accepted sockets: upgrade() serves the handshake with the listener's keypair. */
  readonly #serverTls: BunServerTlsOptions | null;
  /** TLS, or not known to be plain TCP: closed with end(), which sends close_notify. */
  readonly #secure: boolean;
  /** The peer's FIN arrived, or we sent ours: a close without an error is then graceful. */
  #finSeen = false;
  #shutDown = false;

  /**
   * `local` is given by a listener that knows it already (its own address and
   * port): each of Bun's address getters is a getsockname/getpeername syscall
   * (strace, Bun 1.4.5), paid on every accepted connection. `secure` false
   * says the socket is plain TCP, so there is no ALPN to ask Bun for.
   */
  constructor(
    socket: BunSocket<SocketState>,
    serverTls: BunServerTlsOptions | null = null,
    local: Endpoint | null = null,
    secure = true,
  ) {
    this.#socket = socket;
    this.#serverTls = serverTls;
    this.local = local ?? { address: socket.localAddress, port: socket.localPort };
    this.#secure = secure;
    this.chunksOwnTheirBuffer = !secure;
    const alpn = secure ? socket.alpnProtocol : null;
    this.alpn = typeof alpn === "string" && alpn !== "" ? alpn : null;
  }

  /**
   * The peer, read on first use: core knows it without asking when it
   * connected to an IPv4 literal, and each of Bun's address getters is a
   * syscall (apps/bench FINDINGS.md, change 17). Core reads it while the
   * socket is live, and it is kept from then on.
   */
  get remote(): Endpoint {
    const socket = this.#socket;
    this.#remote ??= { address: socket.remoteAddress, port: socket.remotePort };
    return this.#remote;
  }

  /** As an AcceptedConnection (a listener's, server.ts): its transport is this object. */
  get transport(): this {
    return this;
  }

  /**
   * As an AcceptedConnection: SO_LINGER 0, then close, so the peer sees a
   * reset. On the raw socket, even after a TLS upgrade took it over.
   */
  reset(): void {
    this.#socket.terminate();
  }

  listen(events: TransportEvents): void {
    if (this.#released) return;
    this.#events = events;
    const state = this.#socket.data;
    if (!(state instanceof Link)) return;
    state.attach(this);
    // On plain TCP the Link has nothing left to do once it has handed over
    // what arrived before now: the socket's events come here directly, as on
    // a plain listener's accepted socket (server.ts), one call less per chunk
    // and per event, and the Link is collected. A plain socket gets no
    // `handshake`, and `connectError` only while connecting. TLS keeps its Link.
    if (!this.#secure) this.#socket.data = this;
  }

  // ---- events, routed by the socket's Link -------------------------------

  onData(chunk: Uint8Array): void {
    this.#events?.data(chunk);
  }

  onDrain(): void {
    const pending = this.#pending;
    if (pending === null) return;
    const written = this.#socket.write(pending.rest);
    if (written < 0) {
      this.#pending = null;
      pending.reject(this.#closedUnderUs());
    } else if (written === pending.rest.byteLength) {
      this.#pending = null;
      pending.resolve();
    } else {
      pending.rest = pending.rest.subarray(written);
    }
  }

  onEnd(): void {
    this.#finSeen = true;
    this.#events?.end();
  }

  onClose(closeError: Error | undefined): void {
    const error = closeError ?? (this.#finSeen || this.#shutDown ? undefined : resetByPeer());
    if (this.#pending !== null) this.#failPending(error ?? notWritable());
    // After our shutdown(), the peer's FIN shows up as a `close` with no `end`
    // (measured in Bun 1.4.5): core reads a clean close as EOF as well.
    if (error !== undefined) this.#events?.error(error);
    else this.#events?.close();
  }

  onError(error: Error): void {
    this.#failPending(error);
    this.#events?.error(error);
  }

  // ---- the transport ----------------------------------------------------

  pause(): void {
    if (!this.#released) this.#socket.pause();
  }

  resume(): void {
    if (!this.#released) this.#socket.resume();
  }

  write(chunk: Uint8Array): void | Promise<void> {
    // Bun does not buffer: write() returns the bytes the kernel (or the TLS
    // layer) took, possibly fewer, or -1 once the socket is closed; the rest is
    // ours to send on `drain` (https://bun.com/docs/runtime/networking/tcp#buffering).
    const written = this.#socket.write(chunk);
    if (written === chunk.byteLength) return;
    if (written < 0) throw this.#closedUnderUs();
    return new Promise((resolve, reject) => {
      this.#pending = { rest: chunk.subarray(written), resolve, reject };
    });
  }

  shutdown(): void {
    // shutdown() sends FIN and keeps reading. Never end(): in Bun it closes the
    // whole socket, allowHalfOpen or not (measured in Bun 1.4.5; oven-sh/bun
    // PR #35947 to change that was closed).
    if (this.#released || this.#socket.readyState < 1) return;
    this.#shutDown = true;
    if (this.#finSeen && this.#pending === null) {
      // Both directions are done once our FIN is out: core closes the socket
      // right after. Closing sends that FIN with the close, as a native
      // handler's close does; shutdown() then end() costs three more
      // syscalls per connection (strace, Bun 1.4.5; FINDINGS.md, Servers).
      this.#close();
      return;
    }
    this.#socket.shutdown();
  }

  destroy(): void {
    if (this.#released) return;
    this.#released = true;
    this.#events = null;
    this.#detach();
    // Errors are made only when a write waits for them: a TypeError with its
    // stack is a measurable part of a short-lived connection's cost.
    if (this.#pending !== null) this.#failPending(notWritable());
    // Both directions close at once (the `close` handler runs synchronously
    // for plain TCP; TLS sends close_notify first), like Node's destroy().
    // terminate() would reset the connection.
    this.#close();
  }

  /**
   * Closes both directions gracefully. TLS needs end() (close_notify). On
   * plain TCP, Bun's end() is a flush and then the same close as close()
   * (`end` and `close` in src/bun.js/api/bun/socket.zig, oven-sh/bun): that
   * flush is one setsockopt(TCP_CORK, 0) per connection (strace, Bun 1.4.5)
   * on a socket nothing corks (write() goes straight to send(); strace shows
   * no TCP_CORK 1). What the kernel took is delivered either way, and `close`
   * runs synchronously in both (measured: 4 MB the peer had not read yet at
   * the close arrived whole).
   */
  #close(): void {
    if (this.#secure) this.#socket.end();
    else this.#socket.close();
  }

  upgrade(tls: TlsSettings, cancellation: Cancellation): Promise<Transport> {
    // Core has stopped reading; the TLS socket takes the connection over.
    this.#released = true;
    this.#events = null;
    this.#detach();
    const server = this.#serverTls;
    const link = new Link(true, null, server === null || server.requestCert);
    try {
      // Socket.upgradeTLS (bun-types `bun.d.ts`) returns [raw, tls]. The raw
      // half stays writable and writing to it would bypass TLS (measured in
      // Bun 1.4.5): it is dropped here. It still receives the ciphertext, under
      // the old Link, which is detached and ignores it. The handshake runs
      // whether or not core had paused this socket (measured).
      // On an accepted socket it serves the handshake and returns nothing
      // (measured in Bun 1.4.5); the raw half is dropped all the same.
      this.#socket.upgradeTLS({
        data: link,
        tls: server ?? bunTlsOptions(tls),
        socket: handlers,
      });
    } catch (error) {
      this.#socket.end();
      return Promise.reject(error);
    }
    return link.whenReady(cancellation).then((secure) => new BunTransport(secure));
  }

  /** Stops the socket's Link routing to us; with no Link, `#released` already silences our handlers. */
  #detach(): void {
    const state = this.#socket.data;
    if (state instanceof Link) state.detach();
  }

  /** Why a write found the socket closed: a reset, unless the close was graceful. */
  #closedUnderUs(): Error {
    return this.#released || this.#finSeen || this.#shutDown ? notWritable() : resetByPeer();
  }

  #failPending(error: unknown): void {
    const pending = this.#pending;
    if (pending === null) return;
    this.#pending = null;
    pending.reject(error);
  }
}
