import {
  type ConnectRequest,
  type ResolvedOptions,
  SocketError,
  SocketErrorCode,
  type Transport,
} from "@sockets/core/backend";
import { closeQuietly, type DenoTcpConn, deno } from "./_deno.js";
import { startNodeTls } from "./node-tls.js";
import { startTls } from "./tls.js";
import { DenoTransport } from "./transport.js";

/**
 * Opens a `Deno.connect` connection; for secureTransport "on", runs the TLS
 * handshake over it before resolving (see tls.ts for why not `Deno.connectTls`).
 */
export async function connectDeno({
  address,
  options,
  tls,
  cancellation,
}: ConnectRequest): Promise<Transport> {
  // The signal aborts the attempt (https://docs.deno.com/api/deno/~/Deno.ConnectOptions).
  const conn = await deno().connect({
    hostname: address.hostname,
    port: address.port,
    transport: "tcp",
    signal: cancellation.signal,
  });
  try {
    cancellation.throwIfCancelled();
    applySocketOptions(conn, options);
  } catch (error) {
    closeQuietly(conn);
    throw error;
  }
  if (tls === null) {
    return new DenoTransport(conn, {
      secure: false,
      upgradable: options.secureTransport === "starttls",
    });
  }
  // Deno's native TLS takes no client certificate: node:tls does (node-tls.ts).
  if (tls.cert !== undefined) return startNodeTls(conn, tls, cancellation, null);
  return DenoTransport.secured(await startTls(conn, tls, cancellation));
}

/**
 * Options Deno cannot honour are refused, never ignored; `connect()` calls
 * this synchronously (issue 9, defect 11).
 */
export function checkDenoOptions(options: ResolvedOptions): void {
  if (options.keepAlive !== false && options.keepAlive > 0) {
    throw new SocketError(
      SocketErrorCode.UnsupportedOption,
      `Deno cannot set a keep-alive initial delay (keepAlive: ${options.keepAlive}): Deno.TcpConn.setKeepAlive() only turns keep-alive on or off. Pass keepAlive: true to use the system's delay.`,
    );
  }
}

/** https://docs.deno.com/api/deno/~/Deno.TcpConn.setNoDelay, …/Deno.TcpConn.setKeepAlive */
function applySocketOptions(conn: DenoTcpConn, options: ResolvedOptions): void {
  conn.setNoDelay(options.noDelay);
  if (options.keepAlive !== false) conn.setKeepAlive(true);
}
