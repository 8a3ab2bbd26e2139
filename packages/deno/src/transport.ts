import {
  type Cancellation,
  type Endpoint,
  type PullTransport,
  SocketError,
  SocketErrorCode,
  type TlsSettings,
  type Transport,
  type TransportEvents,
} from "@sockets/core/backend";
import { closeQuietly, type DenoConn, type DenoTcpConn } from "./_deno.js";
import { type InFlightRead, startNodeTls } from "./node-tls.js";
import { type DenoTlsSession, startTls } from "./tls.js";

/** Serves the TLS handshake on an accepted connection (a listener's STARTTLS). */
export type DenoServerUpgrade = (
  conn: DenoTcpConn,
  inFlight: InFlightRead | null,
  cancellation: Cancellation,
) => Promise<Transport>;

/** Largest transport-owned buffer a STARTTLS-capable connection reads through. */
const DETACHABLE_READ_SIZE = 64 * 1024;

/**
 * A Deno connection (`Deno.TcpConn`, or the `Deno.TlsConn` of a verified
 * handshake) as a core pull transport. Reads go through `conn.read()`, never
 * `conn.readable`, which closes the whole resource at EOF and so breaks
 * allowHalfOpen (denoland/deno#22258, #27510).
 *
 * STARTTLS: `Deno.startTls()` fails with `Busy`, and consumes the connection,
 * when a `conn.read()` is in flight, and Deno cannot cancel one
 * (https://docs.deno.com/api/deno/~/Deno.startTls). A consumer's read loop
 * always has one in flight, and after a server's STARTTLS go-ahead no byte
 * will come to complete it. So a connection opened with `secureTransport:
 * "starttls"` reads through a buffer of its own (copied into the consumer's),
 * sized to the consumer's read (at most 64 KiB), so an idle connection waiting
 * in a 4 KiB read holds 4 KiB, not 64 (measured in apps/bench FINDINGS.md),
 * and at upgrade:
 * - no read in flight: `Deno.startTls()`, Deno's native TLS;
 * - a read in flight: it is detached from the consumer (its bytes never land
 *   in a buffer the consumer got back) and TLS runs in Deno's `node:tls` over
 *   this connection, with that read's bytes as the first bytes of the
 *   handshake (see node-tls.ts).
 */
export class DenoTransport implements PullTransport {
  readonly kind = "pull";
  readonly remote: Endpoint;
  readonly local: Endpoint;
  readonly alpn: string | null;
  readonly #conn: DenoConn;
  readonly #secure: boolean;
  /** True on connections that may be upgraded: reads go through `#scratch`. */
  readonly #upgradable: boolean;
  /** Made by the first read of an upgradable connection, and remade when the reads' size changes a lot. */
  #scratch: Uint8Array | null = null;
  #inFlight: InFlightRead | null = null;
  #events: TransportEvents | null = null;
  #shutdown: Promise<void> | null = null;
  #released = false;
  /** Closed by finish(): destroy() has nothing left to close (closing twice throws, and an error costs). */
  #connClosed = false;
  /** Set on a listener's accepted connections: upgrade() serves the handshake. */
  readonly #serverUpgrade: DenoServerUpgrade | null;

  constructor(
    conn: DenoConn,
    kind:
      | { secure: true; alpn: string | null }
      | { secure: false; upgradable: boolean; serverUpgrade?: DenoServerUpgrade },
  ) {
    this.#serverUpgrade = (!kind.secure && kind.serverUpgrade) || null;
    this.#conn = conn;
    this.#secure = kind.secure;
    this.alpn = kind.secure ? kind.alpn : null;
    this.remote = endpoint(conn.remoteAddr);
    this.local = endpoint(conn.localAddr);
    this.#upgradable = !kind.secure && kind.upgradable;
  }

  /** The transport for a verified native TLS session. */
  static secured(session: DenoTlsSession): DenoTransport {
    return new DenoTransport(session.conn, { secure: true, alpn: session.alpn });
  }

  listen(events: TransportEvents): void {
    this.#events = events;
  }

  read(into: Uint8Array): Promise<number | null> {
    if (this.#upgradable) return this.#readDetachable(this.#scratchFor(into), into);
    // Straight into the consumer's buffer: no copy on connections that are never upgraded.
    const read = this.#conn.read(into);
    return this.#secure ? read.catch(endWithoutCloseNotify) : read;
  }

  /**
   * The scratch buffer for a read into `into`: as large as `into` (at most
   * 64 KiB), kept while reads stay within a quarter of its size, so default
   * reads (4 KiB idle, growing under load: core's read-buffer.ts) neither
   * allocate per read nor pin 64 KiB while idle.
   */
  #scratchFor(into: Uint8Array): Uint8Array {
    const want = Math.min(DETACHABLE_READ_SIZE, Math.max(1, into.byteLength));
    const scratch = this.#scratch;
    if (scratch !== null && scratch.byteLength >= want && scratch.byteLength <= want * 4) {
      return scratch;
    }
    this.#scratch = new Uint8Array(want);
    return this.#scratch;
  }

  async #readDetachable(scratch: Uint8Array, into: Uint8Array): Promise<number | null> {
    const buffer = scratch.subarray(0, Math.min(scratch.byteLength, into.byteLength));
    const read: InFlightRead = { buffer, result: this.#conn.read(buffer) };
    this.#inFlight = read;
    let n: number | null;
    try {
      n = await read.result;
    } finally {
      if (this.#inFlight === read) this.#inFlight = null;
    }
    // Upgraded meanwhile: these bytes belong to the TLS handshake, not the consumer.
    if (this.#released) return null;
    if (n !== null) into.set(buffer.subarray(0, n));
    return n;
  }

  /**
   * conn.write() may take part of the chunk (https://docs.deno.com/api/deno/~/Deno.Conn.write).
   * A `.then` on the first write, not an async function: its state and await
   * closures cost ~0.2 KB per write (apps/bench FINDINGS.md, change 46), and
   * most writes go out whole.
   */
  write(chunk: Uint8Array): Promise<void> {
    return this.#conn.write(chunk).then(
      (written) => (written < chunk.byteLength ? this.#writeRest(chunk, written) : undefined),
      (error: unknown) => this.#writeFailed(error),
    );
  }

  async #writeRest(chunk: Uint8Array, offset: number): Promise<void> {
    try {
      while (offset < chunk.byteLength) offset += await this.#conn.write(chunk.subarray(offset));
    } catch (error) {
      this.#writeFailed(error);
    }
  }

  /** Reports a failed write as Node's 'error' event would (the socket fails, `closed` rejects), then rejects the write. */
  #writeFailed(error: unknown): never {
    this.#events?.error(error);
    throw error;
  }

  shutdown(): Promise<void> {
    // closeWrite() is shutdown(SHUT_WR): a half-close. conn.writable.close()
    // would close both directions.
    this.#shutdown ??= this.#conn.closeWrite();
    return this.#shutdown;
  }

  /**
   * Plain TCP: one `close()`. The peer's FIN was read, so nothing waits to be
   * read and the kernel ends with a FIN, not a reset; every write resolved, so
   * its bytes are in the kernel already. `closeWrite()` then `close()` cost
   * two ops and a promise per connection (apps/bench FINDINGS.md, change 39).
   * TLS keeps `closeWrite()`, which sends close_notify.
   */
  finish(): void | Promise<void> {
    if (this.#secure) return this.shutdown();
    this.#release();
    this.#connClosed = true;
    closeQuietly(this.#conn);
  }

  destroy(): void {
    this.#release();
    if (this.#connClosed) return;
    this.#connClosed = true;
    // A pending read rejects (Interrupted / BadResource); core ignores it by
    // now. So does a pending conn.write(), on TCP and TLS alike ("operation
    // canceled", measured in Deno 2.9.6), which is what core's
    // Transport.write asks of destroy().
    closeQuietly(this.#conn);
  }

  upgrade(tls: TlsSettings, cancellation: Cancellation): Promise<Transport> {
    if (!this.#upgradable || this.#released) {
      return Promise.reject(
        new SocketError(
          SocketErrorCode.InvalidState,
          'This connection cannot be upgraded to TLS: it was not opened with secureTransport: "starttls".',
        ),
      );
    }
    this.#release();
    const conn = this.#conn as DenoTcpConn;
    const inFlight = this.#inFlight;
    this.#inFlight = null;
    if (this.#serverUpgrade !== null) return this.#serverUpgrade(conn, inFlight, cancellation);
    // Deno.startTls() takes no client certificate; node:tls does.
    if (inFlight === null && tls.cert === undefined) {
      return startTls(conn, tls, cancellation).then(DenoTransport.secured);
    }
    return startNodeTls(conn, tls, cancellation, inFlight);
  }

  #release(): void {
    this.#released = true;
    this.#events = null;
  }
}

/**
 * rustls fails a read with `UnexpectedEof` when the peer closes TCP without
 * sending TLS close_notify. Many servers do (Node's tls.Server on
 * `socket.end()`, for one), and Node's TLS client reports that as a normal end
 * of stream: so do we. Protocols run over these sockets frame their own
 * messages, so a truncated message is still detected there.
 */
function endWithoutCloseNotify(error: unknown): null {
  if (error instanceof Error && error.name === "UnexpectedEof") return null;
  throw error;
}

function endpoint(addr: { hostname: string; port: number }): Endpoint {
  return { address: addr.hostname, port: addr.port };
}
