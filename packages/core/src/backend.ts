/**
 * The backend-facing API of @sockets/core: what a runtime backend needs to
 * turn its native sockets into the spec's `connect()`. Not for applications.
 */
export { formatHostPort, type ParsedAddress, parseAddress } from "./address.js";
export { type Backend, createConnect } from "./connect.js";
export { codeOf, type ErrorPhase, toSocketError } from "./error-mapping.js";
export { SocketErrorCode } from "./error-codes.js";
export { SocketError } from "./errors.js";
export { type ResolvedOptions, resolveOptions, type TlsSettings, tlsSettings } from "./options.js";
export { deferred, type Deferred } from "./deferred.js";
export { unsupportedRuntime } from "./unsupported.js";
export type {
  ConnectRequest,
  Connector,
  Endpoint,
  PullTransport,
  PushTransport,
  Transport,
  TransportEvents,
} from "./transport.js";
