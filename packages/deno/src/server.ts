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
    const accept = (conn: DenoTcpConn): Promise<Transport> => {
      conn.setNoDelay(true);
      if (secureTransport === "on" && serverUpgrade !== null) {
        return serverUpgrade(conn, null, NEVER_CANCELLED);
      }
      return Promise.resolve(
        new DenoTransport(conn, {
          secure: false,
          upgradable: secureTransport === "starttls",
          ...(serverUpgrade === null ? {} : { serverUpgrade }),
        }),
      );
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

function acceptLoop<Conn extends DenoTcpConn | DenoTlsConn>(
  listener: DenoListener<Conn>,
  events: ListenerEvents,
  open: (conn: Conn) => Promise<Transport>,
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
      open(conn).then(
        (transport) => events.accept(accepted(transport, conn)),
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

function accepted(transport: Transport, conn: DenoTcpConn | DenoTlsConn): AcceptedConnection {
  return {
    transport,
    // Deno has no way to send a TCP reset (no SO_LINGER): the connection is
    // closed instead, and the peer sees a FIN, or a reset from its kernel if
    // it writes after.
    reset: () => {
      transport.destroy();
      closeQuietly(conn);
    },
  };
}
