import type { Socket as NetSocket } from "node:net";
import { type TLSSocket, connect as tlsConnect } from "node:tls";
import {
  type AcceptedConnection,
  type Cancellation,
  type Endpoint,
  NEVER_CANCELLED,
  type PushTransport,
  type TlsSettings,
  type Transport,
  type TransportEvents,
} from "@sockets/core/backend";
import { deliverReads } from "./shared-read-buffer.js";
import { nodeTlsOptions } from "./tls.js";

/** The connection is usable: 'connect', or 'secureConnect' after a verified handshake. */
export type ReadyEvent = "connect" | "secureConnect";

/** Serves the TLS handshake on an accepted socket (a listener's STARTTLS). */
export type ServerUpgrade = (raw: NetSocket, cancellation: Cancellation) => Promise<Transport>;

interface Settle {
  resolve(transport: Transport): void;
  reject(error: unknown): void;
}

const NO_ENDPOINT: Endpoint = { address: "", port: 0 };

/** An accepted socket is ready at once (see `accepted`): nothing waits on it. */
const ACCEPTED: Settle = { resolve() {}, reject() {} };

/** Where a socket's shared listeners find its transport. */
const OWNER = Symbol("sockets.transport");

interface Owned {
  [OWNER]?: NodeTransport;
}

function ownerOf(socket: NetSocket): NodeTransport {
  return (socket as Owned)[OWNER]!;
}

/**
 * A node:net or node:tls socket as a core transport, from the connection
 * attempt on. The socket is opened with `allowHalfOpen: true` so Node never
 * ends our side on its own; core implements the spec's `allowHalfOpen: false`.
 *
 * One set of listeners serves the attempt and the live connection, and
 * every socket shares it (see `#on`): 'error' and 'close' are registered once
 * and never removed (an 'error' with no listener would crash the process,
 * even after we let go of the socket), so a connection costs five `on()`
 * calls and one `off()` in all. EventEmitter calls are a measurable part of
 * a loopback connect on Node 20.
 *
 * For a listener's accepted socket the transport is also the
 * `AcceptedConnection` handed to core.
 */
export class NodeTransport implements PushTransport, AcceptedConnection {
  readonly kind = "push";
  local: Endpoint = NO_ENDPOINT;
  /**
   * Our end of an accepted connection when the listener knows it (bound to
   * one address): `localAddress` is a getsockname syscall per connection.
   */
  #knownLocal: Endpoint | null = null;
  alpn: string | null = null;
  readonly #socket: NetSocket;
  /** null for an accepted socket, connected already: no event to wait for. */
  readonly #readyEvent: ReadyEvent | null;
  /** Reads come through `onread` (shared-read-buffer.ts), not 'data' events. */
  readonly #onread: boolean;
  /** Asked of Node (getpeername) only when core wants it: see `remote`. */
  #remote: Endpoint | null = null;
  #settle: Settle | null;
  #cancellation: Cancellation | null;
  #events: TransportEvents | null = null;
  /** Set on a listener's accepted sockets: upgrade() serves the handshake. */
  #serverUpgrade: ServerUpgrade | null = null;
  /** Settles the write waiting for 'drain': destroy() calls it too, since a destroyed socket never drains. */
  #drained: (() => void) | null = null;
  /** For the cancellation, which calls its listener as a plain function. Dialled sockets only. */
  #onCancel: ((reason: unknown) => void) | null = null;

  // The socket's listeners, shared by every socket: EventEmitter calls a
  // listener with the emitter as `this` (https://nodejs.org/api/events.html#passing-arguments-and-this-to-listeners),
  // and the socket points at its transport (OWNER). Closures per socket (six,
  // their context and an object, plus the accepted connection's `reset`)
  // were ~600 B of each accepted connection's allocation on Node 20 (issue 12).
  static readonly #on = {
    ready(this: NetSocket): void {
      ownerOf(this).#onReady();
    },
    data(this: NetSocket, chunk: Buffer): void {
      ownerOf(this).#events?.data(chunk);
    },
    end(this: NetSocket): void {
      ownerOf(this).#events?.end();
    },
    error(this: NetSocket, error: Error): void {
      const transport = ownerOf(this);
      if (transport.#settle !== null) transport.#fail(error);
      else transport.#events?.error(error);
    },
    close(this: NetSocket): void {
      const transport = ownerOf(this);
      if (transport.#settle !== null) {
        transport.#fail(new Error("The connection closed before it was established."));
      } else {
        transport.#events?.close();
      }
    },
  };

  /**
   * Resolves with the transport once `socket` emits `readyEvent`; rejects with
   * the socket's error, or the cancellation's reason if the attempt is
   * abandoned (the socket is destroyed then).
   */
  static whenReady(
    socket: NetSocket,
    readyEvent: ReadyEvent,
    cancellation: Cancellation,
    onread = false,
  ): Promise<Transport> {
    return new Promise((resolve, reject) => {
      // The instance lives on in the socket's listeners.
      new NodeTransport(socket, readyEvent, cancellation, onread, { resolve, reject });
    });
  }

  /**
   * A STARTTLS client upgrade of the connection `plain` carried: resolves
   * once `secure` is past a verified handshake. The connection's two ends
   * are `plain`'s, so `opened` costs no address syscall (getsockname for
   * `local`, and getpeername when `remote` is asked for).
   */
  static whenUpgraded(
    secure: TLSSocket,
    plain: NodeTransport,
    cancellation: Cancellation,
  ): Promise<Transport> {
    return new Promise((resolve, reject) => {
      const transport = new NodeTransport(secure, "secureConnect", cancellation, false, {
        resolve,
        reject,
      });
      transport.#knownLocal = plain.local;
      transport.#remote = plain.#remote;
    });
  }

  /**
   * A socket a node:net or node:tls server accepted: connected (and, from a
   * TLS server, past its handshake) already.
   */
  static accepted(
    socket: NetSocket,
    serverUpgrade: ServerUpgrade | null,
    local: Endpoint | null = null,
  ): NodeTransport {
    // Accepted sockets read through Node's own buffers: `onread` can only be
    // given to a socket created with it, and net.Server creates its own.
    // (Grafting it on takes Node's private symbols and handle methods, and
    // saved ~2 µs and ~10 % of a native server's scavenges per connection:
    // not worth depending on internals.) No 'connect' listener:
    // adding one and removing it at once made each connection pay an on(),
    // an off() and the `delete` that off() does on the socket's listener map.
    const ready = new NodeTransport(socket, null, NEVER_CANCELLED, false, ACCEPTED);
    ready.#serverUpgrade = serverUpgrade;
    ready.#knownLocal = local;
    ready.#onReady();
    return ready;
  }

  private constructor(
    socket: NetSocket,
    readyEvent: ReadyEvent | null,
    cancellation: Cancellation,
    onread: boolean,
    settle: Settle,
  ) {
    this.#socket = socket;
    this.#readyEvent = readyEvent;
    this.#onread = onread;
    // With onread, Node starts reading right after 'connect', whoever
    // listens. That is early enough and never too early: core listens in the
    // first microtask after 'connect' (the ready promise's reaction), and a
    // read can only complete in a later turn of the event loop. Not pausing
    // here spares each connection a pause(), a resume() and its tick, which
    // a socket closed right after `opened` paid for nothing (apps/bench
    // FINDINGS.md, change 17).
    this.#settle = settle;
    this.#cancellation = cancellation;
    (socket as Owned)[OWNER] = this;
    socket.on("error", NodeTransport.#on.error);
    if (cancellation.cancelled) {
      this.#fail(cancellation.reason);
      return;
    }
    if (readyEvent !== null) socket.on(readyEvent, NodeTransport.#on.ready);
    socket.on("close", NodeTransport.#on.close);
    if (cancellation !== NEVER_CANCELLED) {
      // A method, not an arrow: the build's keepNames wraps a named arrow in a defineProperty call.
      const transport = this;
      this.#onCancel = {
        cancel(reason: unknown) {
          transport.#fail(reason);
        },
      }.cancel;
      cancellation.onCancel(this.#onCancel);
    }
  }

  #onReady(): void {
    const settle = this.#settle;
    if (settle === null) return;
    this.#settle = null;
    const socket = this.#socket;
    if (this.#readyEvent !== null) socket.off(this.#readyEvent, NodeTransport.#on.ready);
    this.#stopCancellation();
    this.local = this.#knownLocal ?? {
      address: socket.localAddress ?? "",
      port: socket.localPort ?? 0,
    };
    const alpn = (socket as TLSSocket).alpnProtocol;
    this.alpn = typeof alpn === "string" ? alpn : null;
    settle.resolve(this);
  }

  /**
   * The peer, read on first use: core knows it without asking when it
   * connected to an IPv4 literal, and getpeername is a syscall per connection
   * (apps/bench FINDINGS.md, change 17). Core reads it while the socket is
   * live (in the microtask after 'connect'), and it is kept from then on.
   */
  get remote(): Endpoint {
    const socket = this.#socket;
    this.#remote ??= { address: socket.remoteAddress ?? "", port: socket.remotePort ?? 0 };
    return this.#remote;
  }

  /**
   * An accepted socket's transport is its own AcceptedConnection: one
   * object per connection, not a second one with a closure for `reset`.
   */
  get transport(): Transport {
    return this;
  }

  /**
   * A TCP RST where Node can send one: `resetAndDestroy()` (Node 18.3+) works
   * on a plain TCP handle only; a TLS socket's handle is a TLSWrap, which
   * throws ERR_INVALID_HANDLE_TYPE (https://nodejs.org/api/net.html#socketresetanddestroy).
   */
  reset(): void {
    try {
      this.#socket.resetAndDestroy();
    } catch {
      this.#socket.destroy();
    }
  }

  /** The attempt failed or was abandoned: reject, and let go of the socket. */
  #fail(error: unknown): void {
    const settle = this.#settle;
    if (settle === null) return;
    this.#settle = null;
    this.#stopCancellation();
    this.#socket.destroy();
    settle.reject(error);
  }

  #stopCancellation(): void {
    if (this.#onCancel !== null) this.#cancellation?.offCancel(this.#onCancel);
    this.#onCancel = null;
    this.#cancellation = null;
  }

  listen(events: TransportEvents): void {
    this.#events = events;
    this.#socket.on("end", NodeTransport.#on.end);
    if (this.#onread) {
      deliverReads(this.#socket, events);
      return;
    }
    // 'data' only now: adding it starts the flow, and no chunk may come before
    // core listens.
    this.#socket.on("data", NodeTransport.#on.data);
  }

  pause(): void {
    this.#socket.pause();
  }

  resume(): void {
    this.#socket.resume();
  }

  write(chunk: Uint8Array): void | Promise<void> {
    // write() returns false once Node's buffer is over its high-water mark:
    // wait for 'drain' (https://nodejs.org/api/stream.html#event-drain). Errors
    // reach core through the 'error' event; core then destroys this
    // transport, which ends this wait.
    if (this.#socket.write(chunk)) return;
    return new Promise((resolve) => {
      this.#drained = resolve;
      this.#socket.once("drain", resolve);
    });
  }

  shutdown(): void | Promise<void> {
    const socket = this.#socket;
    if (socket.destroyed || socket.writableFinished) return;
    return new Promise((resolve, reject) => {
      socket.end((error?: Error | null) => (error ? reject(error) : resolve()));
    });
  }

  /**
   * Plain TCP with nothing left in Node's write buffer: one `destroy()`. The
   * peer's FIN was read, so nothing waits to be read and the kernel's close
   * ends with a FIN after the bytes it already holds, not a reset
   * (https://man7.org/linux/man-pages/man7/tcp.7.html); `end()` then the
   * auto-destroy cost a promise, its callback, Node's finish ticks and a
   * shutdown syscall per connection (apps/bench FINDINGS.md, change 39 did
   * the same on Deno, 53 on Bun). Bytes still in Node's buffer
   * (`writableLength`, https://nodejs.org/api/stream.html#writablewritablelength)
   * would be dropped by `destroy()`, so they go through `end()`; TLS keeps
   * `end()`, which sends close_notify.
   */
  finish(): void | Promise<void> {
    const socket = this.#socket;
    if ((socket as TLSSocket).encrypted === true || socket.writableLength > 0) {
      return this.shutdown();
    }
    this.destroy();
  }

  destroy(): void {
    // The listeners stay: they go with the socket, and report nothing now.
    this.#events = null;
    if (this.#onread) deliverReads(this.#socket, null);
    this.#socket.destroy();
    this.#settleWaitingWrite();
  }

  /** A destroyed socket never drains: end the write waiting for it (core's Transport.write contract). */
  #settleWaitingWrite(): void {
    const drained = this.#drained;
    this.#drained = null;
    drained?.();
  }

  upgrade(tls: TlsSettings, cancellation: Cancellation): Promise<Transport> {
    // Stop reading and stop reporting: the TLS socket takes the connection
    // over, and bytes read from the raw socket now would be lost to it. The
    // 'error' listener stays, silent, as the raw socket's guard.
    this.#events = null;
    const socket = this.#socket;
    socket.pause();
    socket.off("data", NodeTransport.#on.data);
    socket.off("end", NodeTransport.#on.end);
    socket.off("close", NodeTransport.#on.close);
    if (this.#serverUpgrade !== null) return this.#serverUpgrade(socket, cancellation);
    // STARTTLS over the connected socket. `tls.connect({ socket })` is the
    // form that emits 'secureConnect'; `new tls.TLSSocket(socket)` never does
    // (https://nodejs.org/api/tls.html#tlsconnectoptions-callback). With
    // `socket` given, `host` defaults to "localhost": name it explicitly.
    const secure = tlsConnect({ ...nodeTlsOptions(tls), socket, host: tls.serverName });
    return NodeTransport.whenUpgraded(secure, this, cancellation);
  }
}
