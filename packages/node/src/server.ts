import { createServer, type Server as NetServer, type Socket as NetSocket } from "node:net";
import { createServer as createTlsServer, type TLSSocket, type TlsOptions } from "node:tls";
import {
  type Cancellation,
  type Endpoint,
  type Listener,
  type ListenerEvents,
  nodeTlsServerOptions,
  type ResolvedServeOptions,
  type Transport,
  toSocketError,
} from "@sockets/core/backend";
import { NodeTransport, type ServerUpgrade } from "./transport.js";

/**
 * `serve()`'s listener on a node:net server, or a node:tls server for
 * secureTransport "on". Sockets are accepted with `allowHalfOpen: true` (core
 * implements the spec's half-open rules) and Nagle off, as our clients are.
 */
export function listenNode(
  options: ResolvedServeOptions,
  events: ListenerEvents,
): Promise<Listener> {
  const tls = options.tls === null ? null : nodeTlsServerOptions(options.tls);
  /** Set once listening, when the listener is bound to one address (see `knownLocal`). */
  let local: Endpoint | null = null;
  const accept = (socket: NetSocket, upgrade: ServerUpgrade | null) => {
    events.accept(NodeTransport.accepted(socket, upgrade, local));
  };
  let server: NetServer;
  if (options.secureTransport === "on" && tls !== null) {
    const tlsServer = createTlsServer({ ...tls, allowHalfOpen: true, noDelay: true });
    // 'secureConnection' comes after a complete handshake, with any client
    // certificate verified (https://nodejs.org/api/tls.html#event-secureconnection).
    tlsServer.on("secureConnection", (socket) => accept(socket, null));
    tlsServer.on("tlsClientError", (error, socket) => {
      events.error(toSocketError(error, peerOf(socket), "tls"));
    });
    server = tlsServer;
  } else {
    const upgrade = tls === null ? null : serveTlsWith(tls);
    server = createServer({ allowHalfOpen: true, noDelay: true }, (socket) =>
      accept(socket, upgrade),
    );
  }
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: options.hostname, port: options.port }, () => {
      server.off("error", reject);
      // After listening, an 'error' on the server would crash the process without a listener.
      server.on("error", (error) => events.error(error));
      const bound = server.address();
      const port = typeof bound === "object" && bound !== null ? bound.port : options.port;
      const hostname =
        typeof bound === "object" && bound !== null ? bound.address : options.hostname;
      local = knownLocal(hostname, port);
      resolve({
        hostname,
        port,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

/**
 * Our end of every connection a listener bound to one IPv4 address (or to
 * IPv6 loopback) accepts is that address: no getsockname per connection. A
 * wildcard listener's connections are asked one by one.
 */
function knownLocal(hostname: string, port: number): Endpoint | null {
  return /^(?!0\.0\.0\.0$)\d{1,3}(\.\d{1,3}){3}$|^::1$/.test(hostname)
    ? { address: hostname, port }
    : null;
}

function peerOf(socket: TLSSocket): string {
  return `${socket.remoteAddress ?? "?"}:${socket.remotePort ?? "?"}`;
}

/**
 * STARTTLS, server side: a node:tls server that never listens, fed the
 * accepted socket through its 'connection' event, which node:tls documents
 * for injecting connections (https://nodejs.org/api/tls.html#event-connection).
 * It verifies client certificates exactly as a listening one does (a bare
 * `new TLSSocket(raw, { isServer: true })` would not refuse an untrusted one).
 */
function serveTlsWith(tls: TlsOptions): ServerUpgrade {
  return (raw: NetSocket, cancellation: Cancellation): Promise<Transport> =>
    new Promise((resolve, reject) => {
      // One server per upgrade, so its events are this connection's. It
      // parses the keypair each time: a STARTTLS costs a handshake anyway.
      const server = createTlsServer({ ...tls, allowHalfOpen: true });
      const onCancel = (reason: unknown) => {
        raw.destroy();
        reject(reason);
      };
      cancellation.onCancel(onCancel);
      server.once("secureConnection", (socket: TLSSocket) => {
        cancellation.offCancel(onCancel);
        resolve(NodeTransport.accepted(socket, null));
      });
      server.once("tlsClientError", (error: Error) => {
        cancellation.offCancel(onCancel);
        raw.destroy();
        reject(error);
      });
      server.emit("connection", raw);
      // The paused raw socket (core stopped reading for the hand-over) must flow into the TLS engine.
      raw.resume();
    });
}
