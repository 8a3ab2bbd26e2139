/**
 * The public contract of the WinterTC Sockets API
 * (https://sockets-api.proposal.wintertc.org/), as shipped by workerd's
 * `cloudflare:sockets`, plus the options driver authors need beyond the spec.
 * Every backend's `connect` is typed against these declarations.
 */

/** `{ hostname, port }`; a bare IPv6 `hostname` is accepted and bracketed for you. */
export interface SocketAddress {
  /** A hostname, an IPv4 address, or an IPv6 address (brackets optional). */
  hostname: string;
  /** The TCP port, 1–65535. */
  port: number;
}

/** `"host:port"` (IPv6 in brackets: `"[::1]:5432"`) or a {@link SocketAddress}. */
export type AnySocketAddress = string | SocketAddress;

/** `"off"` plain TCP, `"on"` TLS from the first byte, `"starttls"` plain TCP that may be upgraded. */
export type SecureTransport = "off" | "on" | "starttls";

/** TLS settings beyond the spec: private CAs and client certificates (mTLS). */
export interface TlsOptions {
  /** PEM certificate(s) trusted in addition to the runtime's default roots. */
  ca?: string | readonly string[];
  /** PEM client certificate chain, for mutual TLS. Requires `key`. */
  cert?: string;
  /** PEM private key for `cert`. */
  key?: string;
}

/** The second argument of `connect()`: the spec's options and the ones drivers need beyond it. */
export interface SocketOptions {
  /** Default `"off"`. */
  secureTransport?: SecureTransport;
  /**
   * Default `false`: when the peer ends its side, the socket flushes and ends
   * ours and `closed` resolves. With `true`, writing still works after the
   * peer's FIN and `closed` waits for `close()` or for the writable to close.
   */
  allowHalfOpen?: boolean;
  /** Server name for SNI and certificate checks (TLS only). Defaults to the hostname. */
  sni?: string;
  /** ALPN protocols to offer, in order of preference (TLS only). */
  alpn?: readonly string[];
  /** Writable backpressure threshold in bytes (workerd's option). Default 65536. */
  highWaterMark?: number;
  /** Extra TLS trust and client certificates (TLS only). */
  tls?: TlsOptions;
  /** Aborts the connection attempt or the live socket. */
  signal?: AbortSignal;
  /** Milliseconds to wait for `opened` (TLS: including the handshake) before failing with `ETIMEDOUT`. */
  connectTimeout?: number;
  /** Disable Nagle's algorithm. Default `true`, as latency-sensitive protocols expect. */
  noDelay?: boolean;
  /** Enable TCP keep-alive; a number sets the initial delay in milliseconds. Default off. */
  keepAlive?: boolean | number;
}

/** What `opened` resolves with once the socket is connected. */
export interface SocketInfo {
  /** `"host:port"` of the peer, IPv6 in brackets. */
  remoteAddress: string;
  /**
   * `"host:port"` of our end, IPv6 in brackets. Absent where the runtime does
   * not report it (workerd, for outbound sockets): never an empty string.
   */
  localAddress?: string;
  /** The ALPN protocol the server chose, or `null`. */
  alpn: string | null;
}

/** What `writable` accepts: bytes, or a string sent as UTF-8 (as workerd does). */
export type SocketWritableChunk = ArrayBuffer | SharedArrayBuffer | ArrayBufferView | string;

/** A TCP connection, as `connect()` returns it. */
export interface Socket {
  /** A byte stream (`type: "bytes"`): BYOB readers work; chunks are `Uint8Array`. */
  readonly readable: ReadableStream<Uint8Array>;
  /** Accepts bytes and strings (sent as UTF-8); `writer.close()` sends FIN. */
  readonly writable: WritableStream<SocketWritableChunk>;
  /** Resolves once connected (TLS: after the handshake); rejects if the connection fails. */
  readonly opened: Promise<SocketInfo>;
  /** Resolves when the socket is closed; rejects on error. */
  readonly closed: Promise<void>;
  /** `true` once `startTls()` has been called on this socket. */
  readonly upgraded: boolean;
  /** The mode this socket runs in; a socket returned by `startTls()` reports `"on"`. */
  readonly secureTransport: SecureTransport;
  /**
   * Closes both directions; returns the `closed` promise itself. Idempotent.
   * Never rejects for a failure that came before it: on a socket that has
   * already failed it resolves once everything is released (`closed` keeps
   * the failure).
   */
  close(reason?: unknown): Promise<void>;
  /**
   * Upgrades a `"starttls"` socket to TLS and returns the new TLS socket.
   * `expectedServerHostname` (as workerd takes it) names the host the
   * certificate is verified against instead of the connect hostname or `sni`;
   * other fields drivers pass along (Node's `servername`, `rejectUnauthorized`,
   * …) are ignored, never used to weaken verification.
   */
  startTls(options?: StartTlsOptions): Socket;
}

/** Opens a TCP connection (TLS with `secureTransport: "on"`); returns the {@link Socket} at once. */
export type Connect = (address: AnySocketAddress, options?: SocketOptions) => Socket;

/** `startTls()`'s options, as workerd's `cloudflare:sockets` takes them. */
export interface StartTlsOptions {
  /** The host name the server's certificate must be valid for; defaults to the connect hostname (or `sni`). */
  expectedServerHostname?: string;
}
