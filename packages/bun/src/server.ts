import {
  type AcceptedConnection,
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
import { BunTransport } from "./transport.js";

/**
 * A listener bound to one IPv4 address or to IPv6 loopback: every connection
 * it accepts has that address as its local one. A wildcard (0.0.0.0, ::) or a
 * name is asked of each socket.
 */
const SPECIFIC_ADDRESS = /^(?!0\.0\.0\.0$)\d{1,3}(\.\d{1,3}){3}$|^::1$/;

/**
 * `serve()`'s listener on `Bun.listen` (https://bun.com/docs/runtime/networking/tcp).
 * Each accepted socket gets its own Link in `data`, as a dialled one does, and
 * the shared handlers route its events; the `open` handler is the accept hook.
 */
export function listenBun(
  options: ResolvedServeOptions,
  events: ListenerEvents,
): Promise<Listener> {
  const tls = options.tls === null ? null : bunServerTls(options.tls);
  const onTlsListener = options.secureTransport === "on";
  const verifyPeer = tls?.requestCert ?? false;
  const socketHandlers: BunSocketHandler<Link> = {
    ...handlers,
    open(socket: BunSocket<Link>) {
      // No socket options to apply: Bun turns Nagle off on every accepted
      // socket itself (setsockopt TCP_NODELAY after accept4, seen with strace
      // in Bun 1.4.5), so setting it again is one more syscall per connection.
      const link = new Link(onTlsListener, null, verifyPeer);
      socket.data = link;
      link.onOpen(socket);
      if (!onTlsListener) {
        // Plain TCP is usable now: hand it over in this same callback, as a
        // native handler would act, without a promise and a microtask hop per
        // connection (FINDINGS.md, Servers).
        events.accept(acceptedConnection(socket, tls, localOf(socket)));
        return;
      }
      link.whenReady(NEVER_CANCELLED).then(
        (ready) => events.accept(acceptedConnection(ready, null, localOf(ready))),
        (error: unknown) => events.error(error),
      );
    },
  };
  /** Our end of an accepted connection: the listener's own address, unless it is a wildcard. */
  let localOf = (socket: BunSocket<Link>): Endpoint => ({
    address: socket.localAddress,
    port: socket.localPort,
  });
  try {
    const listener = bun.listen<Link>({
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

function acceptedConnection(
  socket: BunSocket<Link>,
  serverTls: BunServerTlsOptions | null,
  local: Endpoint,
): AcceptedConnection {
  return {
    transport: new BunTransport(socket, serverTls, local),
    // SO_LINGER 0, then close: the peer sees a reset. A method, not an arrow
    // property: the build's keepNames would wrap a named arrow per connection.
    reset() {
      socket.terminate();
    },
  };
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
