import type { Transport } from "./transport.js";

/** What the socket needs from its readable, whichever way the transport delivers bytes. */
export interface ReadSide {
  /** The socket's readable, made on first access; state reached before that is replayed. */
  readonly stream: ReadableStream<Uint8Array>;
  /** The connection is up: start reading from this transport. */
  attach(transport: Transport): void;
  /**
   * Pull transports: start watching for the peer's FIN now, on a read side
   * made to wait for this (read-side-pull.ts); push transports see it anyway.
   */
  startReadAhead?(): void;
  /** Push transports: bytes arrived (`borrowed`: see TransportEvents.data). */
  push(chunk: Uint8Array, borrowed?: boolean): void;
  /** Push transports: the peer sent FIN. Queued bytes are still delivered, then EOF. */
  end(): void;
  /** End the stream now, dropping queued bytes: pending reads resolve as done. */
  close(): void;
  /** Error the stream: pending and later reads reject with `error`. */
  error(error: unknown): void;
}

/** Callbacks from a read side to its socket. */
export interface ReadSideHooks {
  /** A pull transport reported FIN. */
  onEof(): void;
  /** A pull transport's read failed. */
  onError(error: unknown): void;
}

/** Ends a byte stream, completing a pending BYOB read as done (it needs `respond(0)`). */
export function closeByteStream(controller: ReadableByteStreamController): void {
  try {
    controller.close();
    controller.byobRequest?.respond(0);
  } catch {
    // Already closed or errored.
  }
}
