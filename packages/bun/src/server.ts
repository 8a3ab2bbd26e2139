import {
  type Endpoint,
  type Listener,
  type ListenerEvents,
  NEVER_CANCELLED,
  type ResolvedServeOptions,
  type ServerTlsSettings,
} from "@sockets/core/backend";
import { type BunServerTlsOptions, type BunSocket, type BunSocketHandler, bun } from "./bun-api.js";
import { handlers, Link } from "./link.js";
import { alpnWire } from "./tls.js";
import { BunTransport, type SocketState } from "./transport.js";

/**
 * A listener bound to one IPv4 address or to IPv6 loopback: every connection
 * it accepts has that address as its local one. A wildcard (0.0.0.0, ::) or a
 * name is asked of each socket.
 */
const SPECIFIC_ADDRESS = /^(?!0\.0\.0\.0$)\d{1,3}(\.\d{1,3}){3}$|^::1$/;

/**
 * A plain listener's accepted socket holds its transport in `data`: core
 * listens inside `open`, before Bun can report anything else, so there is no
 * handshake to wait for and no event to hold back, and a Link (its object and
 * its ready promise, per connection) would only pass events along. Handlers
 * for events a plain accepted socket never gets are no-ops.
 */
function plainHandlers(
  open: (socket: BunSocket<SocketState>) => void,
): BunSocketHandler<SocketState> {
  return {
    binaryType: "uint8array",
    open,
    handshake() {},
    data: (socket, chunk) => socket.data.onData(chunk),
    drain: (socket) => socket.data.onDrain(),
    end: (socket) => socket.data.onEnd(),
    close: (socket, error) => socket.data.onClose(error),
    error: (socket, error) => socket.data.onError(error),
    connectError() {},
  };
}

/**
 * `serve()`'s listener on `Bun.listen` (https://bun.com/docs/runtime/networking/tcp);
 * the `open` handler is the accept hook. On a TLS listener each accepted
 * socket gets its own Link in `data`, as a dialled one does, and the shared
 * handlers route its events until the handshake is done.
 */
export function listenBun(
  options: ResolvedServeOptions,
  events: ListenerEvents,
): Promise<Listener> {
  const tls = options.tls === null ? null : bunServerTls(options.tls);
  const onTlsListener = options.secureTransport === "on";
  const verifyPeer = tls?.requestCert ?? false;
  // No socket options to apply on accept: Bun turns Nagle off on every
  // accepted socket itself (setsockopt TCP_NODELAY after accept4, seen with
  // strace in Bun 1.4.5), so setting it again is one more syscall per connection.
  const socketHandlers: BunSocketHandler<SocketState> = onTlsListener
    ? {
        ...(handlers as BunSocketHandler<SocketState>),
        open(socket: BunSocket<SocketState>) {
          const link = new Link(true, null, verifyPeer);
          socket.data = link;
          link.onOpen(socket as BunSocket<Link>);
          link.whenReady(NEVER_CANCELLED).then(
            (ready) => events.accept(new BunTransport(ready, null, localOf(ready), true)),
            (error: unknown) => events.error(error),
          );
        },
      }
    : plainHandlers((socket) => {
        // Plain TCP is usable now: hand it over in this same callback, as a
        // native handler would act, without a promise and a microtask hop per
        // connection (FINDINGS.md, Servers). core listens on the transport
        // before `accept` returns (it attaches an accepted connection at once).
        // The transport is its own AcceptedConnection (transport.ts): one
        // object per connection, not a wrapper and a `reset` closure as well.
        const transport = new BunTransport(socket, tls, localOf(socket), false);
        socket.data = transport;
        events.accept(transport);
      });
  /** Our end of an accepted connection: the listener's own address, unless it is a wildcard. */
  let localOf = (socket: BunSocket<SocketState>): Endpoint => ({
    address: socket.localAddress,
    port: socket.localPort,
  });
  try {
    const listener = bun.listen<SocketState>({
      hostname: options.hostname,
      port: options.port,
      // Core implements allowHalfOpen:false itself; Bun must never close our side.
      allowHalfOpen: true,
      socket: socketHandlers,
      ...(onTlsListener && tls !== null ? { tls } : {}),
    });
    const { hostname, port } = listener;
    if (SPECIFIC_ADDRESS.test(hostname)) {
      const local: Endpoint = { address: hostname, port };
      localOf = () => local;
    } else {
      localOf = (socket) => ({ address: socket.localAddress, port });
    }
    return Promise.resolve({
      hostname: listener.hostname,
      port: listener.port,
      close() {
        // Stops accepting; open connections are core's to close.
        listener.stop(false);
        return Promise.resolve();
      },
    });
  } catch (error) {
    return Promise.reject(error);
  }
}

function bunServerTls(tls: ServerTlsSettings): BunServerTlsOptions {
  const options: BunServerTlsOptions = {
    cert: tls.cert,
    key: tls.key,
    requestCert: tls.requestCert,
    // Explicit: a requested certificate that does not verify refuses the handshake.
    rejectUnauthorized: tls.requestCert,
    isServer: true,
  };
  if (tls.ca.length > 0) options.ca = [...tls.ca];
  if (tls.alpn.length > 0) options.ALPNProtocols = alpnWire(tls.alpn);
  return options;
}
