/**
 * The backend-facing API of @sockets/core: what a runtime backend needs to
 * turn its native sockets into the spec's `connect()`. Not for applications.
 */

export { type AcceptedConnection, NEVER_CANCELLED } from "./accept.js";
export { formatHostPort, type ParsedAddress, parseAddress } from "./address.js";
export type { CancelListener, Cancellation } from "./cancellation.js";
export { type Backend, createConnect } from "./connect.js";
export { type Deferred, deferred } from "./deferred.js";
export { SocketErrorCode } from "./error-codes.js";
export { codeOf, type ErrorPhase, toSocketError } from "./error-mapping.js";
export { SocketError } from "./errors.js";
export {
  type ResolvedOptions,
  resolveOptions,
  startTlsServerName,
  type TlsSettings,
  tlsSettings,
} from "./options.js";
export {
  createServe,
  type Listener,
  type ListenerEvents,
  type ServerBackend,
} from "./serve.js";
export {
  type NodeTlsServerOptions,
  nodeTlsServerOptions,
  type ResolvedServeOptions,
  resolveServeOptions,
  type ServerTlsSettings,
} from "./server-options.js";
export { assertCanStartTls } from "./start-tls.js";
export type {
  Connector,
  ConnectRequest,
  Endpoint,
  PullTransport,
  PushTransport,
  ReadMode,
  Transport,
  TransportEvents,
} from "./transport.js";
export { unsupportedRuntime } from "./unsupported.js";
