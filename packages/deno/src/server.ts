import {
  type AcceptedConnection,
  type Listener,
  type ListenerEvents,
  NEVER_CANCELLED,
  type ResolvedServeOptions,
  type Transport,
} from "@sockets/core/backend";
import {
  closeQuietly,
  type DenoListener,
  type DenoTcpConn,
  type DenoTlsConn,
  deno,
} from "./_deno.js";
import { serveNodeTls } from "./node-tls.js";
import { type DenoServerUpgrade, DenoTransport } from "./transport.js";

/**
 * `serve()`'s listener: `Deno.listen`, or `Deno.listenTls` for TLS from the
 * first byte (https://docs.deno.com/api/deno/~/Deno.listenTls). Client
 * certificates (mTLS) and the server side of STARTTLS go through Deno's
 * node:tls over the native connection (node-tls.ts `serveNodeTls`), since
 * Deno's own TLS has neither.
 */
export function listenDeno(
  options: ResolvedServeOptions,
  events: ListenerEvents,
): Promise<Listener> {
  const { tls, secureTransport } = options;
  const base = { hostname: options.hostname, port: options.port, transport: "tcp" as const };
  try {
    if (secureTransport === "on" && tls !== null && !tls.requestCert) {
      const listener = deno().listenTls({
        ...base,
        cert: tls.cert,
        key: tls.key,
        ...(tls.alpn.length > 0 ? { alpnProtocols: [...tls.alpn] } : {}),
      });
      return Promise.resolve(acceptLoop(listener, events, acceptTls));
    }
    const listener = deno().listen(base);
    const serverUpgrade: DenoServerUpgrade | null =
      tls === null
        ? null
        : (conn, inFlight, cancellation) => serveNodeTls(conn, tls, cancellation, inFlight);
    const kind = {
      secure: false as const,
      upgradable: secureTransport === "starttls",
      ...(serverUpgrade === null ? {} : { serverUpgrade }),
    };
    const accept = (conn: DenoTcpConn): Transport | Promise<Transport> => {
      conn.setNoDelay(true);
      if (secureTransport === "on" && serverUpgrade !== null) {
        return serverUpgrade(conn, null, NEVER_CANCELLED);
      }
      return new DenoTransport(conn, kind);
    };
    return Promise.resolve(acceptLoop(listener, events, accept));
  } catch (error) {
    return Promise.reject(error);
  }
}

async function acceptTls(conn: DenoTlsConn): Promise<Transport> {
  // The handshake runs on first use; resolving it here means the handler
  // gets a connection that is already secure (https://docs.deno.com/api/deno/~/Deno.TlsConn.handshake).
  const { alpnProtocol } = await conn.handshake();
  return new DenoTransport(conn, { secure: true, alpn: alpnProtocol });
}

/**
 * Accepts until the listener closes. `open` returns the transport itself when
 * there is nothing to wait for (plain TCP): the connection is handed to core
 * in the same turn, with no promise and reactions per connection.
 */
function acceptLoop<Conn extends DenoTcpConn | DenoTlsConn>(
  listener: DenoListener<Conn>,
  events: ListenerEvents,
  open: (conn: Conn) => Transport | Promise<Transport>,
): Listener {
  let closed = false;
  const loop = (async () => {
    for (;;) {
      let conn: Conn;
      try {
        conn = await listener.accept();
      } catch (error) {
        // accept() rejects once the listener is closed: that ends the loop.
        if (!closed) events.error(error);
        return;
      }
      let opening: Transport | Promise<Transport>;
      try {
        opening = open(conn);
      } catch (error) {
        // Fails this connection only, never the accept loop.
        closeQuietly(conn);
        events.error(error);
        continue;
      }
      if (!(opening instanceof Promise)) {
        events.accept(new Accepted(opening, conn));
        continue;
      }
      opening.then(
        (transport) => events.accept(new Accepted(transport, conn)),
        (error: unknown) => {
          closeQuietly(conn);
          events.error(error);
        },
      );
    }
  })();
  return {
    hostname: listener.addr.hostname,
    port: listener.addr.port,
    close() {
      closed = true;
      try {
        listener.close();
      } catch {
        // Already closed.
      }
      return loop;
    },
  };
}

/** An accepted connection: a class, so `reset` is not a closure made per connection. */
class Accepted implements AcceptedConnection {
  readonly transport: Transport;
  readonly #conn: DenoTcpConn | DenoTlsConn;

  constructor(transport: Transport, conn: DenoTcpConn | DenoTlsConn) {
    this.transport = transport;
    this.#conn = conn;
  }

  // Deno has no way to send a TCP reset (no SO_LINGER): the connection is
  // closed instead, and the peer sees a FIN, or a reset from its kernel if
  // it writes after.
  reset(): void {
    this.transport.destroy();
    closeQuietly(this.#conn);
  }
}
