import type { ConnectRequest, Transport } from "@sockets/core/backend";
import { bun } from "./bun-api.js";
import { refineConnectError } from "./connect-error.js";
import { handlers, Link } from "./link.js";
import { bunTlsOptions } from "./tls.js";
import { BunTransport } from "./transport.js";

/** Opens a `Bun.connect` connection (TLS when `tls` is set) and resolves once it is usable. */
export function connectBun({
  address,
  options,
  tls,
  cancellation,
}: ConnectRequest): Promise<Transport> {
  const link = new Link(tls !== null, options, true, (error) =>
    refineConnectError(error, address.hostname, address.port),
  );
  if (!cancellation.cancelled) {
    try {
      // Core implements allowHalfOpen:false itself; Bun must never close our
      // side on the peer's FIN. Two literals, not a spread per connect()
      // (apps/bench FINDINGS.md, change 17).
      const connecting =
        tls === null
          ? bun.connect({
              hostname: address.hostname,
              port: address.port,
              allowHalfOpen: true,
              data: link,
              socket: handlers,
            })
          : bun.connect({
              hostname: address.hostname,
              port: address.port,
              allowHalfOpen: true,
              data: link,
              socket: handlers,
              tls: bunTlsOptions(tls),
            });
      connecting.then(
        // `open` has run by now for TCP; this covers a socket that resolves
        // after the attempt was abandoned.
        (socket) => link.onOpen(socket),
        (error: unknown) => link.onConnectError(error),
      );
    } catch (error) {
      // Options Bun refuses synchronously (e.g. a malformed certificate).
      link.fail(error);
    }
  }
  // A plain connection says so: its chunks then go to the byte stream without
  // an ownership check each (they own their buffer, see BunTransport), it
  // closes without end()'s flush and asks Bun for no ALPN. A STARTTLS socket
  // starts plain; its upgrade makes a TLS transport of its own.
  const secure = tls !== null;
  return link
    .whenReady(cancellation)
    .then((socket) => new BunTransport(socket, null, null, secure));
}
