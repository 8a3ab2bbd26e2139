export { SocketErrorCode } from "./error-codes.js";
export { isSocketError, SocketError } from "./errors.js";
export type {
  AnySocketAddress,
  Connect,
  SecureTransport,
  Socket,
  SocketAddress,
  SocketInfo,
  SocketOptions,
  SocketWritableChunk,
  TlsOptions,
} from "./types.js";
