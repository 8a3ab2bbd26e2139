/**
 * Stable error codes. The same failure carries the same code on every runtime;
 * match errors by `code` (see `isSocketError`), never by `instanceof`, since a
 * bundle can hold two copies of this package.
 */
export const SocketErrorCode = {
  /** The address is malformed (missing port, bad characters, bad IPv6 form, ...). */
  InvalidAddress: "ERR_INVALID_ADDRESS",
  /** An option has the wrong type or value, or is not allowed with the others. */
  InvalidOption: "ERR_INVALID_OPTION",
  /** The runtime cannot honour an option (it is rejected, never ignored). */
  UnsupportedOption: "ERR_UNSUPPORTED_OPTION",
  /** The call is not allowed in the socket's current state (e.g. startTls twice). */
  InvalidState: "ERR_INVALID_STATE",
  /** A value written to `writable` is not bytes or a string. */
  InvalidChunk: "ERR_INVALID_CHUNK",
  /** The socket was closed by `close()` (e.g. before the connection was made). */
  SocketClosed: "ERR_SOCKET_CLOSED",
  /** The `signal` passed to `connect()` was aborted. */
  Aborted: "ERR_ABORTED",
  /** This module cannot run on the current JavaScript host. */
  UnsupportedRuntime: "ERR_UNSUPPORTED_RUNTIME",
  /** Nothing listens on the port: the peer refused the connection. */
  ConnectionRefused: "ECONNREFUSED",
  /** The peer reset the connection (RST). */
  ConnectionReset: "ECONNRESET",
  /** The connection (TLS: with its handshake) did not open within `connectTimeout`. */
  TimedOut: "ETIMEDOUT",
  /** No route to the host. */
  HostUnreachable: "EHOSTUNREACH",
  /** No route to the host's network. */
  NetworkUnreachable: "ENETUNREACH",
  /** The hostname could not be resolved. */
  NotFound: "ENOTFOUND",
  /** The runtime's permission system refused the connection (e.g. Deno without --allow-net). */
  PermissionDenied: "ERR_PERMISSION_DENIED",
  /** The server's certificate is untrusted, expired, or does not match the name. */
  TlsCertificate: "ERR_TLS_CERT",
  /** The TLS handshake failed for another reason (protocol, ALPN, client certificate). */
  TlsHandshake: "ERR_TLS_HANDSHAKE",
  /** Any other connection failure; `cause` holds the runtime's error. */
  ConnectionFailed: "ERR_CONNECTION_FAILED",
} as const;

export type SocketErrorCode = (typeof SocketErrorCode)[keyof typeof SocketErrorCode];
