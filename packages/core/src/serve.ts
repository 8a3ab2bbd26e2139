import { type AcceptedConnection, acceptSocket, type UpgradeObserver } from "./accept.js";
import { type Deferred, deferred } from "./deferred.js";
import { SocketErrorCode } from "./error-codes.js";
import { isSocketError, SocketError } from "./errors.js";
import { type ResolvedOptions, resolveOptions } from "./options.js";
import { type ResolvedServeOptions, resolveServeOptions } from "./server-options.js";
import type { Serve, ServeOptions, Server } from "./server-types.js";
import type { ReadMode } from "./transport.js";
import type { Socket } from "./types.js";

/** A listening socket a backend opened. */
export interface Listener {
  /** The bound address (IPv6 without brackets) and the real port. */
  readonly hostname: string;
  readonly port: number;
  /** Stops accepting; resolves once the listening socket is closed. Never rejects. */
  close(): Promise<void>;
}

/** What a backend's listener reports to core. */
export interface ListenerEvents {
  /** A connection was accepted (TLS "on": after its handshake). */
  accept(connection: AcceptedConnection): void;
  /** A connection failed before it could be accepted (e.g. a refused TLS handshake). */
  error(error: unknown): void;
}

/** A backend's server side: opens a listener on the runtime's own API. */
export interface ServerBackend extends ReadMode {
  listen(options: ResolvedServeOptions, events: ListenerEvents): Promise<Listener>;
}

/** A server's open connections, and the wait for the last one to close. */
class Connections {
  readonly #open = new Set<Connection>();
  /** Resolves when the last open connection closes (while closing). */
  #drained: Deferred<void> | null = null;

  values(): IterableIterator<Connection> {
    return this.#open.values();
  }

  add(connection: Connection): void {
    this.#open.add(connection);
  }

  /** The connection is done (Connection.closed). */
  forget(connection: Connection): void {
    this.#open.delete(connection);
    if (this.#open.size === 0) this.#drained?.resolve();
  }

  /** Resolves once no connection is open. */
  drained(): Promise<void> {
    this.#drained ??= deferred();
    if (this.#open.size === 0) this.#drained.resolve();
    return this.#drained.promise;
  }
}

/**
 * One accepted connection. A class that is its socket's observer, so no
 * closure or promise reaction is made per connection to learn when it is
 * done or upgraded.
 */
class Connection implements UpgradeObserver {
  /** The socket that carries the connection now: the TLS one after startTls(). */
  socket: Socket | null = null;
  readonly accepted: AcceptedConnection;
  readonly #owner: Connections;

  constructor(accepted: AcceptedConnection, owner: Connections) {
    this.accepted = accepted;
    this.#owner = owner;
  }

  upgraded(tls: Socket): void {
    this.socket = tls;
  }

  /**
   * The accepted socket is done. After startTls() its `closed` only means
   * "handed over": the connection lives on in the TLS socket, followed
   * through its `closed` (rare, so a promise reaction is fine there). A
   * failed connection is gone all the same; its handler saw the error.
   */
  closed(socket: Socket): void {
    const tls = this.socket;
    if (tls === null || tls === socket) this.#owner.forget(this);
    else {
      const done = this.#done();
      tls.closed.then(done, done);
    }
  }

  /** Returned, not a named const: the build's keepNames would wrap that per call (FINDINGS.md change 2). */
  #done(): () => void {
    return () => this.#owner.forget(this);
  }
}

/**
 * Builds `serve()` over a backend's listener. Options are validated here,
 * synchronously; handler errors, connection tracking and closing are decided
 * once, here, for every runtime.
 */
export function createServe(backend: ServerBackend): Serve {
  return function serve(options: ServeOptions): Server {
    return new ServerImpl(resolveServeOptions(options), backend);
  };
}

function notListening(): SocketError {
  return new SocketError(
    SocketErrorCode.InvalidState,
    "The server is not listening yet: await server.ready before reading its hostname or port.",
  );
}

class ServerImpl implements Server {
  readonly ready: Promise<Server>;
  readonly closed: Promise<void>;
  readonly #options: ResolvedServeOptions;
  /** Every accepted socket's options: validated once per server, not per connection. */
  readonly #socketOptions: ResolvedOptions;
  readonly #backend: ServerBackend;
  readonly #closed: Deferred<void> = deferred();
  readonly #connections = new Connections();
  #listener: Listener | null = null;
  #closing = false;
  #unlinkSignal: (() => void) | undefined;

  constructor(options: ResolvedServeOptions, backend: ServerBackend) {
    this.#options = options;
    this.#socketOptions = resolveOptions({
      secureTransport: options.secureTransport,
      allowHalfOpen: options.allowHalfOpen,
    });
    this.#backend = backend;
    this.closed = this.#closed.promise;
    const ready = deferred<Server>();
    this.ready = ready.promise;
    const { signal } = options;
    if (signal?.aborted) {
      ready.reject(this.#abortedError(signal));
      this.#closing = true;
      this.#closed.resolve();
      return;
    }
    if (signal) {
      const onAbort = () => void this.close(true);
      signal.addEventListener("abort", onAbort, { once: true });
      this.#unlinkSignal = () => signal.removeEventListener("abort", onAbort);
    }
    backend
      .listen(options, {
        accept: (connection) => this.#accept(connection),
        error: (error) => this.#report(error),
      })
      .then(
        (listener) => {
          this.#listener = listener;
          if (this.#closing) void listener.close();
          ready.resolve(this);
        },
        (error: unknown) => {
          ready.reject(
            isSocketError(error)
              ? error
              : new SocketError(
                  SocketErrorCode.ConnectionFailed,
                  `serve() could not listen on ${options.hostname}:${options.port}: ${String((error as Error)?.message ?? error)}`,
                  { cause: error },
                ),
          );
          this.#closing = true;
          this.#closed.resolve();
        },
      );
  }

  get hostname(): string {
    if (this.#listener === null) throw notListening();
    return this.#listener.hostname;
  }

  get port(): number {
    if (this.#listener === null) throw notListening();
    return this.#listener.port;
  }

  close(closeConnections = false): Promise<void> {
    if (closeConnections) {
      for (const connection of this.#connections.values()) this.#drop(connection);
    }
    if (this.#closing) return this.closed;
    this.#closing = true;
    this.#unlinkSignal?.();
    const stopped =
      this.#listener?.close() ??
      this.ready.then(
        () => undefined,
        () => undefined,
      );
    const drained = this.#connections.drained();
    Promise.all([stopped, drained]).then(() => this.#closed.resolve());
    return this.closed;
  }

  #accept(accepted: AcceptedConnection): void {
    if (this.#closing) {
      // Accepted in the same turn as close(): not ours to serve any more.
      accepted.reset();
      return;
    }
    const connection = new Connection(accepted, this.#connections);
    // Tracked before the socket exists: it reports its end to `connection`.
    this.#connections.add(connection);
    const socket = acceptSocket(accepted.transport, this.#socketOptions, this.#backend, connection);
    connection.socket = socket;
    let result: void | Promise<void>;
    try {
      result = this.#options.connect(socket);
    } catch (error) {
      this.#handlerFailed(connection, error);
      return;
    }
    // Pull transports (Deno) see the peer's FIN only through a read: one
    // starts now unless the handler took the readable (read-side-pull.ts).
    // Here rather than a macrotask later: no timer per connection.
    socket.startReadAhead();
    if (result !== null && typeof result === "object" && typeof result.then === "function") {
      result.then(undefined, (error: unknown) => this.#handlerFailed(connection, error));
    }
  }

  #handlerFailed(connection: Connection, error: unknown): void {
    this.#drop(connection);
    this.#report(error);
  }

  /** Resets the connection, then lets the socket go: its reads error and `closed` settles. */
  #drop(connection: Connection): void {
    connection.accepted.reset();
    void connection.socket?.close(
      new SocketError(SocketErrorCode.ConnectionReset, "The server reset this connection."),
    );
  }

  #report(error: unknown): void {
    try {
      this.#options.error(error);
    } catch {
      // A failing error hook must not take the server down.
    }
  }

  #abortedError(signal: AbortSignal): SocketError {
    return new SocketError(
      SocketErrorCode.Aborted,
      "serve() was aborted by its signal before it listened.",
      {
        cause: signal.reason,
      },
    );
  }
}
