export { SocketErrorCode } from "./error-codes.js";
export { isSocketError, SocketError } from "./errors.js";
export type {
  ConnectHandler,
  Serve,
  ServeOptions,
  Server,
  ServerTlsOptions,
} from "./server-types.js";
export type {
  AnySocketAddress,
  Connect,
  SecureTransport,
  Socket,
  SocketAddress,
  SocketInfo,
  SocketOptions,
  SocketWritableChunk,
  StartTlsOptions,
  TlsOptions,
} from "./types.js";
