import {
  type Listener,
  type ListenerEvents,
  NEVER_CANCELLED,
  type ResolvedServeOptions,
  resolveOptions,
  type ServerTlsSettings,
} from "@sockets/core/backend";
import { type BunServerTlsOptions, type BunSocket, type BunSocketHandler, bun } from "./bun-api.js";
import { handlers, Link } from "./link.js";
import { alpnWire } from "./tls.js";
import { BunTransport } from "./transport.js";

/** Socket options for accepted connections: Nagle off, as our clients have it. */
const ACCEPTED = resolveOptions({});

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
      const link = new Link(onTlsListener, ACCEPTED, verifyPeer);
      socket.data = link;
      link.whenReady(NEVER_CANCELLED).then(
        (ready) =>
          events.accept({
            transport: new BunTransport(ready, onTlsListener ? null : tls),
            // SO_LINGER 0, then close: the peer sees a reset.
            reset: () => ready.terminate(),
          }),
        (error: unknown) => events.error(error),
      );
      link.onOpen(socket);
    },
  };
  try {
    const listener = bun.listen<Link>({
      hostname: options.hostname,
      port: options.port,
      // Core implements allowHalfOpen:false itself; Bun must never close our side.
      allowHalfOpen: true,
      socket: socketHandlers,
      ...(onTlsListener && tls !== null ? { tls } : {}),
    });
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
