/**
 * The public contract of `serve()`: one `connect(socket)` handler, served by
 * each runtime's own listener, and the same object a Worker exports as its
 * default (workerd's inbound TCP, cloudflare/workerd#6059).
 */
import type { Socket } from "./types.js";

/** The listener's keypair, and client certificates to ask for (mTLS). */
export interface ServerTlsOptions {
  /** PEM certificate chain the server presents. */
  cert: string;
  /** PEM private key for `cert`. */
  key: string;
  /** PEM CA certificate(s) that client certificates must chain to (mTLS). */
  ca?: string | readonly string[];
  /** Ask every client for a certificate and refuse the handshake without a valid one. Needs `ca`. */
  requestCert?: boolean;
  /** ALPN protocols the server accepts, in its order of preference (`secureTransport: "on"`). */
  alpn?: readonly string[];
}

/** What a connection handler is: workerd's `connect(socket, env, ctx)`; `serve()` passes only the socket. */
export type ConnectHandler = (socket: Socket) => void | Promise<void>;

/** What `serve()` takes: where to listen, how (plain, TLS, STARTTLS), and the handler. */
export interface ServeOptions {
  /** Address to listen on. Default `"127.0.0.1"`: pass `"0.0.0.0"` or `"::"` to accept from other hosts. */
  hostname?: string;
  /** Port to listen on; `0` (the default) picks a free one: read it from `server.port` after `ready`. */
  port?: number;
  /**
   * `"off"` (default) plain TCP; `"on"` TLS from the first byte (needs `tls`);
   * `"starttls"` plain TCP where the handler calls `socket.startTls()` to serve
   * the handshake with `tls`'s keypair (workerd's `tlsMode`).
   */
  secureTransport?: "off" | "on" | "starttls";
  /** The listener's keypair (and client CAs for mTLS): needed when `secureTransport` is `"on"` or `"starttls"`. */
  tls?: ServerTlsOptions;
  /** Passed to each accepted socket: see `SocketOptions.allowHalfOpen`. Default `false`. */
  allowHalfOpen?: boolean;
  /** Aborting it closes the server and resets its open connections, as `close(true)` does. */
  signal?: AbortSignal;
  /** Runs once per accepted connection, with our Socket (`opened` gives the peer and local addresses). */
  connect: ConnectHandler;
  /**
   * Called when a handler throws or rejects (that connection is then reset)
   * or a connection fails before it reaches the handler (e.g. a TLS client
   * that is refused). Default: `console.error`.
   */
  error?: (error: unknown) => void;
}

/** A running listener, as `serve()` returns it. */
export interface Server {
  /** Resolves with this server once it is listening; rejects if it cannot listen. */
  readonly ready: Promise<Server>;
  /** The bound hostname, after `ready`. */
  readonly hostname: string;
  /** The bound port (the real one when `0` was asked for), after `ready`. */
  readonly port: number;
  /** Resolves once the server has stopped listening and every connection has closed. */
  readonly closed: Promise<void>;
  /**
   * Stops accepting, then waits for the open connections to close.
   * `closeConnections: true` resets them instead of waiting. Returns `closed`.
   */
  close(closeConnections?: boolean): Promise<void>;
}

/** `serve()`: listens with the runtime's own listener and runs `options.connect` for each connection. */
export type Serve = (options: ServeOptions) => Server;
