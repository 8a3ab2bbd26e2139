import type { Socket as NetSocket } from "node:net";
import type { TLSSocket } from "node:tls";
import type {
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

  constructor(socket: NetSocket) {
    this.#socket = socket;
    this.remote = { address: socket.remoteAddress ?? "", port: socket.remotePort ?? 0 };
    this.local = { address: socket.localAddress ?? "", port: socket.localPort ?? 0 };
    const alpn = (socket as TLSSocket).alpnProtocol;
    this.alpn = typeof alpn === "string" ? alpn : null;
  }

  listen(events: TransportEvents): void {
    this.#events = events;
    const socket = this.#socket;
    socket.on("data", this.#onData);
    socket.on("end", this.#onEnd);
    socket.on("error", this.#onError);
    socket.on("close", this.#onClose);
  }

  // Arrow properties: one function per socket, removable on upgrade.
  readonly #onData = (chunk: Buffer) => this.#events?.data(chunk);
  readonly #onEnd = () => this.#events?.end();
  readonly #onError = (error: Error) => this.#events?.error(error);
  readonly #onClose = () => this.#events?.close();

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

  upgrade(tls: TlsSettings, signal: AbortSignal): Promise<Transport> {
    // Stop reading and stop reporting: the TLS socket takes the connection
    // over, and bytes read from the raw socket now would be lost to it.
    this.#socket.pause();
    this.#detach();
    return upgradeToTls(this.#socket, tls, signal);
  }

  #detach(): void {
    this.#events = null;
    const socket = this.#socket;
    socket.off("data", this.#onData);
    socket.off("end", this.#onEnd);
    socket.off("close", this.#onClose);
    socket.off("error", this.#onError);
  }
}
