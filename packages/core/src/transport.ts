import type { ParsedAddress } from "./address.js";
import type { Cancellation } from "./cancellation.js";
import type { ResolvedOptions, TlsSettings } from "./options.js";

/**
 * The contract a backend implements: the I/O glue for one runtime. Everything
 * user-facing (streams, promises, state, errors, half-open) lives in core.
 */

/** One end of a connection; `address` is an IP (IPv6 without brackets). */
export interface Endpoint {
  readonly address: string;
  readonly port: number;
}

/** Events a transport reports to core. Core ignores events after it has let go of the transport. */
export interface TransportEvents {
  /**
   * Push transports: bytes from the peer. Ownership passes to core: do not
   * reuse the memory. With `borrowed`, the memory stays the transport's and is
   * reused once the call returns (a read buffer of its own, Node's `onread`):
   * core copies what it keeps, straight into a waiting BYOB read's view when
   * there is one.
   */
  data(chunk: Uint8Array, borrowed?: boolean): void;
  /** The peer sent FIN: no more data will come. The write side stays usable. */
  end(): void;
  /** The connection failed (reset, broken pipe, ...). Core tears the socket down. */
  error(error: unknown): void;
  /** The runtime closed the connection without an error. */
  close(): void;
}

interface TransportBase {
  readonly remote: Endpoint;
  readonly local: Endpoint;
  /** The negotiated ALPN protocol, or null. */
  readonly alpn: string | null;
  /** Called once by core, right after the transport is handed over. */
  listen(events: TransportEvents): void;
  /**
   * Sends bytes. Return nothing when the runtime took them without pushing
   * back, or a promise that settles once it can take more (backpressure).
   * Core never calls `write` again before that promise settles, and the
   * writable waits on it: it must also settle (either way) once `destroy()`
   * is called, or a write caught by a close or a failure would never end.
   */
  write(chunk: Uint8Array): void | Promise<void>;
  /** Half-close: send FIN after pending writes; reading goes on. */
  shutdown(): void | Promise<void>;
  /** Close both directions now and release the handle. Idempotent; never throws. */
  destroy(): void;
  /**
   * Optional. The peer has ended and every write was handed over: send our FIN
   * and let go of the connection, as `shutdown()` then `destroy()` would, in
   * as few steps as the runtime allows (Deno: one close instead of
   * closeWrite then close). Core still calls `destroy()` after it (and after
   * the promise it may return settles), so that must stay idempotent.
   */
  finish?(): void | Promise<void>;
  /**
   * STARTTLS: runs the TLS handshake over this connection and resolves with
   * the TLS transport once it is done (certificate verified). This transport is
   * consumed: it must stop emitting events. Core stops reading first (push:
   * `pause()`); a pull transport may still have one consumer read in flight
   * and must make the upgrade work regardless.
   */
  upgrade(tls: TlsSettings, cancellation: Cancellation): Promise<Transport>;
}

/** Node and Bun style: the runtime calls us with data; core paces it with pause/resume. */
export interface PushTransport extends TransportBase {
  readonly kind: "push";
  /**
   * True when every chunk given to `data` (not borrowed) spans its whole
   * ArrayBuffer, so core can enqueue it without checking `chunk.buffer`: on
   * Bun the first read of a chunk's `.buffer` costs ~25 µs per 480 KB chunk
   * (apps/bench FINDINGS.md, change 40). Absent: core checks each chunk.
   */
  readonly chunksOwnTheirBuffer?: boolean;
  pause(): void;
  resume(): void;
}

/** Deno style: core asks for bytes when the consumer reads. */
export interface PullTransport extends TransportBase {
  readonly kind: "pull";
  /** Reads into `into`; resolves with the byte count, or null at the peer's FIN. */
  read(into: Uint8Array): Promise<number | null>;
}

export type Transport = PushTransport | PullTransport;

/** What a backend is asked to connect to. */
export interface ConnectRequest {
  readonly address: ParsedAddress;
  readonly options: ResolvedOptions;
  /** Set when `secureTransport` is `"on"`: the handshake to run before resolving. */
  readonly tls: TlsSettings | null;
  /**
   * Cancelled when the user closes the socket, aborts, or the connect timeout
   * fires while the attempt is pending. Never cancelled once the transport has
   * been handed over: stop listening to it then.
   */
  readonly cancellation: Cancellation;
}

/** A backend: resolves with a connected transport (for TLS, after the handshake). */
export type Connector = (request: ConnectRequest) => Promise<Transport>;

/** How a backend's bytes reach the readable. */
export interface ReadMode {
  /** How the transport delivers bytes: events (`"push"`) or reads on demand (`"pull"`). */
  readonly kind: Transport["kind"];
  /**
   * Push backends: how a chunk reaches a waiting BYOB read. `"respond"`
   * (default): core copies it into the read's view and calls `respond()`.
   * `"enqueue"`: core enqueues it and the stream copies. Which is faster
   * depends on the runtime's web streams (apps/bench FINDINGS.md, change 12):
   * respond on Node's (7–12 against 12–13 µs per 64 KiB read on Node 20),
   * enqueue on Bun's (4.3–5.3 against 5.5–9.8 µs).
   */
  readonly byobFill?: "respond" | "enqueue";
}
