import type { Duplex } from "node:stream";
import type { createSecureContext, SecureContext, TLSSocket } from "node:tls";
import {
  type Cancellation,
  type Endpoint,
  nodeTlsServerOptions,
  type PullTransport,
  type ServerTlsSettings,
  SocketError,
  SocketErrorCode,
  type TlsSettings,
  type Transport,
  type TransportEvents,
} from "@sockets/core/backend";
import { closeQuietly, type DenoConn } from "./_deno.js";

/** A `conn.read()` still in flight when the connection was upgraded, and the buffer it fills. */
export interface InFlightRead {
  readonly buffer: Uint8Array;
  readonly result: Promise<number | null>;
}

const CIPHERTEXT_READ_SIZE = 64 * 1024;
/** Decrypted bytes held for the consumer before the connection stops being read. */
const PLAINTEXT_HIGH_WATER_MARK = 64 * 1024;

/**
 * TLS in Deno's `node:tls`, over a native `Deno.Conn` that keeps carrying the
 * bytes. Used where Deno's native TLS cannot do the job:
 * - STARTTLS with a `conn.read()` in flight: `Deno.startTls()` would fail with
 *   `Busy` and Deno cannot cancel the read. Here the read simply completes
 *   with the server's first handshake bytes, which go to the TLS engine.
 * - a client certificate (`tls.cert`/`tls.key`): `Deno.startTls()` takes none,
 *   and `Deno.connectTls()`, which does, can neither turn Nagle off nor send
 *   an SNI other than the host it connects to.
 * `node:tls` wraps any Duplex (https://nodejs.org/api/tls.html#tlsconnectoptions-callback);
 * the modules load on first use, so plain sockets never pay for them.
 */
export async function startNodeTls(
  conn: DenoConn,
  tls: TlsSettings,
  cancellation: Cancellation,
  inFlight: InFlightRead | null,
): Promise<Transport> {
  let socket: TLSSocket;
  let duplex: Duplex;
  const gate = new ReadGate();
  try {
    cancellation.throwIfCancelled();
    const [{ connect, createSecureContext }, { Duplex }] = await Promise.all([
      import("node:tls"),
      import("node:stream"),
    ]);
    cancellation.throwIfCancelled();
    duplex = ciphertextDuplex(Duplex, conn, inFlight, gate);
    socket = connect({
      socket: duplex,
      // The name verified; without `servername` node:tls checks `host`, so an
      // IP is checked against the IP SANs and sends no SNI (RFC 6066).
      host: tls.serverName,
      servername: isIpLiteral(tls.serverName) ? undefined : tls.serverName,
      secureContext: secureContextFor(createSecureContext, tls),
      ALPNProtocols: tls.alpn.length > 0 ? [...tls.alpn] : undefined,
      // Explicit, so NODE_TLS_REJECT_UNAUTHORIZED=0 cannot turn checks off.
      rejectUnauthorized: true,
    });
  } catch (error) {
    closeQuietly(conn);
    throw error;
  }
  await secureConnect(socket, conn, cancellation);
  return new NodeTlsTransport(socket, duplex, conn, gate);
}

/**
 * The server side of the same: serves the handshake with a listener's keypair
 * over an accepted `Deno.Conn`. Deno has no server-side `Deno.startTls()`
 * (https://docs.deno.com/api/deno/~/Deno.startTls connects as a client), and
 * `Deno.listenTls` verifies no client certificate, so a listener's STARTTLS
 * and mTLS run here. A node:tls server that never listens takes the
 * connection through its 'connection' event, which node:tls documents for
 * injecting connections (https://nodejs.org/api/tls.html#event-connection).
 * The keypair goes in as `cert`/`key`: Deno 2.9.6's node:tls server ignores
 * a `secureContext` (measured: "no suitable signature algorithm").
 */
export async function serveNodeTls(
  conn: DenoConn,
  tls: ServerTlsSettings,
  cancellation: Cancellation,
  inFlight: InFlightRead | null,
): Promise<Transport> {
  const gate = new ReadGate();
  cancellation.throwIfCancelled();
  const [{ createServer }, { Duplex }] = await Promise.all([
    import("node:tls"),
    import("node:stream"),
  ]);
  const duplex = ciphertextDuplex(Duplex, conn, inFlight, gate);
  const socket = await new Promise<TLSSocket>((resolve, reject) => {
    const server = createServer(nodeTlsServerOptions(tls));
    const fail = (error: unknown) => {
      cancellation.offCancel(fail);
      duplex.destroy();
      closeQuietly(conn);
      reject(error);
    };
    cancellation.onCancel(fail);
    server.once("secureConnection", (secure: TLSSocket) => {
      cancellation.offCancel(fail);
      secure.on("error", ignore);
      resolve(secure);
    });
    server.once("tlsClientError", fail);
    server.emit("connection", duplex);
  });
  return new NodeTlsTransport(socket, duplex, conn, gate);
}

/** Deno's SecureContext (ext/node tls): `addCACert` adds to the default roots. */
interface DenoSecureContext {
  readonly context: { addCACert(pem: string): void };
}

/**
 * Trust: Deno's default roots (with NODE_EXTRA_CA_CERTS / DENO_CERT) plus
 * tls.ca, as on the native path. The `ca` option would replace the defaults,
 * and reading them (`tls.rootCertificates`) needs Deno's sys permission; a
 * default context with `addCACert()` adds to them without it.
 */
function secureContextFor(create: typeof createSecureContext, tls: TlsSettings): SecureContext {
  const context = create({ cert: tls.cert, key: tls.key });
  for (const pem of tls.ca) (context as unknown as DenoSecureContext).context.addCACert(pem);
  return context;
}

/** Resolves after a verified handshake; rejects with its error or the cancellation's reason. */
function secureConnect(
  socket: TLSSocket,
  conn: DenoConn,
  cancellation: Cancellation,
): Promise<void> {
  // A socket must always have an 'error' listener: an error emitted after we
  // let go of it would otherwise be thrown as uncaught.
  socket.on("error", ignore);
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      socket.off("secureConnect", onReady);
      socket.off("error", onError);
      socket.off("close", onClose);
      cancellation.offCancel(fail);
    };
    const fail = (error: unknown) => {
      cleanup();
      socket.destroy();
      closeQuietly(conn);
      reject(error);
    };
    const onReady = () => {
      cleanup();
      resolve();
    };
    const onError = (error: Error) => fail(error);
    const onClose = () => fail(new Error("The connection closed during the TLS handshake."));
    if (cancellation.cancelled) return fail(cancellation.reason);
    socket.once("secureConnect", onReady);
    socket.once("error", onError);
    socket.once("close", onClose);
    cancellation.onCancel(fail);
  });
}

/**
 * The connection's bytes (ciphertext) as a node Duplex for node:tls. Reads are
 * paced by node's stream backpressure and by the gate; `final` is a half-close.
 */
function ciphertextDuplex(
  DuplexClass: typeof Duplex,
  conn: DenoConn,
  inFlight: InFlightRead | null,
  gate: ReadGate,
): Duplex {
  let first = inFlight;
  let pumping = false;
  const duplex: Duplex = new DuplexClass({
    read() {
      if (pumping) return;
      pumping = true;
      void pump();
    },
    write(chunk: Uint8Array, _encoding, callback) {
      writeAll(conn, chunk).then(() => callback(), callback);
    },
    final(callback) {
      conn.closeWrite().then(() => callback(), callback);
    },
    destroy(error, callback) {
      closeQuietly(conn);
      callback(error);
    },
  });
  async function pump(): Promise<void> {
    try {
      for (;;) {
        let buffer: Uint8Array;
        let n: number | null;
        if (first !== null) {
          buffer = first.buffer;
          n = await first.result;
          first = null;
        } else {
          await gate.pass();
          buffer = new Uint8Array(CIPHERTEXT_READ_SIZE);
          n = await conn.read(buffer);
        }
        if (n === null) {
          duplex.push(null);
          return;
        }
        if (!duplex.push(buffer.subarray(0, n))) return;
      }
    } catch (error) {
      duplex.destroy(error instanceof Error ? error : new Error(String(error)));
    } finally {
      pumping = false;
    }
  }
  return duplex;
}

async function writeAll(conn: DenoConn, chunk: Uint8Array): Promise<void> {
  let offset = await conn.write(chunk);
  while (offset < chunk.byteLength) offset += await conn.write(chunk.subarray(offset));
}

/**
 * A verified node:tls socket as a pull transport: decrypted bytes wait in a
 * queue until the consumer reads; past the high-water mark the gate stops
 * reading ciphertext (see ReadGate).
 */
class NodeTlsTransport implements PullTransport {
  readonly kind = "pull";
  readonly remote: Endpoint;
  readonly local: Endpoint;
  readonly alpn: string | null;
  readonly #socket: TLSSocket;
  readonly #duplex: Duplex;
  readonly #conn: DenoConn;
  readonly #gate: ReadGate;
  readonly #queue: Uint8Array[] = [];
  #queued = 0;
  #ended = false;
  #error: unknown = null;
  #waiter: {
    into: Uint8Array;
    resolve: (n: number | null) => void;
    reject: (e: unknown) => void;
  } | null = null;
  #events: TransportEvents | null = null;
  /** Settles the write waiting for 'drain': destroy() calls it too, since a destroyed socket never drains. */
  #drained: (() => void) | null = null;

  constructor(socket: TLSSocket, duplex: Duplex, conn: DenoConn, gate: ReadGate) {
    this.#socket = socket;
    this.#duplex = duplex;
    this.#conn = conn;
    this.#gate = gate;
    this.remote = { address: conn.remoteAddr.hostname, port: conn.remoteAddr.port };
    this.local = { address: conn.localAddr.hostname, port: conn.localAddr.port };
    const alpn = socket.alpnProtocol;
    this.alpn = typeof alpn === "string" ? alpn : null;
    socket.on("data", (chunk: Uint8Array) => {
      this.#queue.push(chunk);
      this.#queued += chunk.byteLength;
      if (this.#queued >= PLAINTEXT_HIGH_WATER_MARK) gate.close();
      this.#settle();
    });
    socket.on("end", () => {
      this.#ended = true;
      this.#settle();
    });
    socket.on("error", (error: Error) => {
      this.#error = error;
      this.#settle();
      this.#events?.error(error);
    });
    // Not reported to core as `close`: bytes may still wait in the queue, and
    // core ends the readable at once on `close`. Reads drain the queue, then end.
    socket.on("close", () => {
      this.#ended = true;
      this.#settle();
    });
  }

  listen(events: TransportEvents): void {
    this.#events = events;
  }

  read(into: Uint8Array): Promise<number | null> {
    return new Promise((resolve, reject) => {
      this.#waiter = { into, resolve, reject };
      this.#settle();
    });
  }

  /** Answers the waiting read from the queue, then EOF or the error, if it can. */
  #settle(): void {
    const waiter = this.#waiter;
    if (waiter === null) return;
    const head = this.#queue[0];
    if (head !== undefined) {
      const n = Math.min(head.byteLength, waiter.into.byteLength);
      waiter.into.set(head.subarray(0, n));
      if (n === head.byteLength) this.#queue.shift();
      else this.#queue[0] = head.subarray(n);
      this.#queued -= n;
      if (this.#queued < PLAINTEXT_HIGH_WATER_MARK) this.#gate.open();
      this.#waiter = null;
      waiter.resolve(n);
    } else if (this.#error !== null) {
      this.#waiter = null;
      waiter.reject(this.#error);
    } else if (this.#ended) {
      this.#waiter = null;
      waiter.resolve(null);
    }
  }

  write(chunk: Uint8Array): void | Promise<void> {
    // write() returns false over the high-water mark: wait for 'drain'. Errors
    // reach core through 'error'; core then destroys this transport, which
    // ends this wait.
    if (this.#socket.write(chunk)) return;
    return new Promise((resolve) => {
      this.#drained = resolve;
      this.#socket.once("drain", resolve);
    });
  }

  shutdown(): void | Promise<void> {
    const socket = this.#socket;
    const duplex = this.#duplex;
    if (socket.destroyed || duplex.writableFinished) return;
    // end() sends close_notify but, over a JS stream in Deno 2.9.6, never ends
    // that stream: end it ourselves once the TLS side is flushed, so its
    // `final` sends our FIN (conn.closeWrite()) after the last record.
    return new Promise((resolve, reject) => {
      socket.end((error?: Error | null) => {
        if (error) return reject(error);
        // The peer may have ended first: node:tls then destroys the stream
        // under it once both halves are done (autoDestroy,
        // https://nodejs.org/api/stream.html#new-streamduplexoptions), and
        // end() on a destroyed stream fails with ERR_STREAM_DESTROYED. Our
        // records were handed to the connection before this callback ran, and
        // the destroy closed it, which sent the FIN: nothing is left to do.
        if (duplex.destroyed || duplex.writableEnded) return resolve();
        duplex.end((endError?: Error | null) => (endError ? reject(endError) : resolve()));
      });
    });
  }

  destroy(): void {
    this.#events = null;
    this.#socket.destroy();
    // A destroyed socket never drains: end the write waiting for it (core's Transport.write contract).
    const drained = this.#drained;
    this.#drained = null;
    drained?.();
    closeQuietly(this.#conn);
    // Let a waiting pump run into the closed connection and end.
    this.#gate.open();
  }

  upgrade(): Promise<Transport> {
    return Promise.reject(
      new SocketError(
        SocketErrorCode.InvalidState,
        "Cannot upgrade a TLS connection: it is already encrypted.",
      ),
    );
  }
}

/**
 * Backpressure for the node:tls path, applied below TLS: the ciphertext pump
 * stops reading the connection while decrypted bytes wait for the consumer,
 * so the server is paced by TCP flow control. The TLSSocket itself is never
 * paused: in Deno 2.9.6, an EOF that reaches a paused node:tls socket over a
 * JS stream is lost (its 'end' never comes; measured with a 1 MiB echo).
 */
class ReadGate {
  #open = true;
  #waiters: (() => void)[] = [];

  /** Resolves when reading may go on. */
  pass(): Promise<void> | undefined {
    if (this.#open) return undefined;
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  close(): void {
    this.#open = false;
  }

  open(): void {
    this.#open = true;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const resolve of waiters) resolve();
  }
}

function ignore(): void {}

function isIpLiteral(host: string): boolean {
  return host.includes(":") || /^\d{1,3}(\.\d{1,3}){3}$/.test(host);
}
