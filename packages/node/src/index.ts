import { createConnect } from "@sockets/core/backend";
import { connectNode } from "./connector.js";

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
} from "@sockets/core";
export { isSocketError, SocketError, SocketErrorCode } from "@sockets/core";

/** `connect()` from the WinterTC Sockets API, on node:net and node:tls. */
export const connect = createConnect({ kind: "push", connect: connectNode });
