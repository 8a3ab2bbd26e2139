import type { Socket as NetSocket } from "node:net";
import type { TLSSocket } from "node:tls";
import type {
  Cancellation,
  Endpoint,
  PushTransport,
  TlsSettings,
  Transport,
  TransportEvents,
} from "@sockets/core/backend";
import { upgradeToTls } from "./tls.js";

/**
 * A connected node:net or node:tls socket as a core transport. The socket is
 * opened with `allowHalfOpen: true` so Node never ends our side on its own;
 * core implements the spec's `allowHalfOpen: false`.
 */
export class NodeTransport implements PushTransport {
  readonly kind = "push";
  readonly remote: Endpoint;
  readonly local: Endpoint;
  readonly alpn: string | null;
  readonly #socket: NetSocket;
  #events: TransportEvents | null = null;
  /** One listener per event, kept to be removed on upgrade. */
  readonly #listeners: {
    data(chunk: Buffer): void;
    end(): void;
    error(error: Error): void;
    close(): void;
  };

  constructor(socket: NetSocket) {
    this.#socket = socket;
    this.remote = { address: socket.remoteAddress ?? "", port: socket.remotePort ?? 0 };
    this.local = { address: socket.localAddress ?? "", port: socket.localPort ?? 0 };
    const alpn = (socket as TLSSocket).alpnProtocol;
    this.alpn = typeof alpn === "string" ? alpn : null;
    const transport = this;
    // Methods, not arrow properties: the build's keepNames wraps each named
    // arrow in a defineProperty call, which costs time and memory per socket.
    this.#listeners = {
      data(chunk) {
        transport.#events?.data(chunk);
      },
      end() {
        transport.#events?.end();
      },
      error(error) {
        transport.#events?.error(error);
      },
      close() {
        transport.#events?.close();
      },
    };
  }

  listen(events: TransportEvents): void {
    this.#events = events;
    const socket = this.#socket;
    const listeners = this.#listeners;
    socket.on("data", listeners.data);
    socket.on("end", listeners.end);
    socket.on("error", listeners.error);
    socket.on("close", listeners.close);
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
    // reach core through the 'error' event, which releases this wait.
    if (this.#socket.write(chunk)) return;
    return new Promise((resolve) => this.#socket.once("drain", resolve));
  }

  shutdown(): void | Promise<void> {
    const socket = this.#socket;
    if (socket.destroyed || socket.writableFinished) return;
    return new Promise((resolve, reject) => {
      socket.end((error?: Error | null) => (error ? reject(error) : resolve()));
    });
  }

  destroy(): void {
    this.#detach();
    this.#socket.destroy();
  }

  upgrade(tls: TlsSettings, cancellation: Cancellation): Promise<Transport> {
    // Stop reading and stop reporting: the TLS socket takes the connection
    // over, and bytes read from the raw socket now would be lost to it.
    this.#socket.pause();
    this.#detach();
    return upgradeToTls(this.#socket, tls, cancellation);
  }

  #detach(): void {
    this.#events = null;
    const socket = this.#socket;
    const listeners = this.#listeners;
    socket.off("data", listeners.data);
    socket.off("end", listeners.end);
    socket.off("close", listeners.close);
    socket.off("error", listeners.error);
  }
}
