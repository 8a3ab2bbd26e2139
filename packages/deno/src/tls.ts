import type { Cancellation, TlsSettings } from "@sockets/core/backend";
import { closeQuietly, type DenoTcpConn, type DenoTlsConn, deno } from "./_deno.js";

/** A verified Deno TLS connection and the ALPN protocol the server chose. */
export interface DenoTlsSession {
  readonly conn: DenoTlsConn;
  readonly alpn: string | null;
}

/**
 * Deno's native TLS over a connected `Deno.TcpConn`, for secureTransport "on"
 * and for STARTTLS. `Deno.startTls` rather than `Deno.connectTls`: a TcpConn
 * can turn Nagle off first (`connectTls` cannot, and each handshake then
 * stalls about 40 ms on loopback), and the name checked and sent as SNI can
 * differ from the host connected to (`connectTls` uses one `hostname` for both).
 * https://docs.deno.com/api/deno/~/Deno.startTls
 *
 * `hostname` is the name verified: an IP literal is checked against the
 * certificate's IP SANs and sends no SNI (rustls). `caCerts` are added to
 * Deno's roots. The connection is consumed: on failure it is closed. The
 * caller wraps the session in a transport (transport.ts imports this module,
 * never the other way round).
 */
export async function startTls(
  conn: DenoTcpConn,
  tls: TlsSettings,
  cancellation: Cancellation,
): Promise<DenoTlsSession> {
  let secure: DenoTlsConn;
  try {
    cancellation.throwIfCancelled();
    secure = await deno().startTls(conn, {
      hostname: tls.serverName,
      caCerts: [...tls.ca],
      alpnProtocols: tls.alpn.length > 0 ? [...tls.alpn] : undefined,
    });
  } catch (error) {
    closeQuietly(conn);
    throw error;
  }
  const { alpnProtocol } = await handshake(secure, cancellation);
  return { conn: secure, alpn: alpnProtocol };
}

/**
 * Runs the handshake to completion, so that `opened` means "verified" and
 * reports ALPN. Deno takes no signal here: closing the connection interrupts it.
 */
function handshake(
  conn: DenoTlsConn,
  cancellation: Cancellation,
): Promise<{ alpnProtocol: string | null }> {
  return new Promise((resolve, reject) => {
    const onCancel = (reason: unknown) => {
      closeQuietly(conn);
      reject(reason);
    };
    if (cancellation.cancelled) return onCancel(cancellation.reason);
    cancellation.onCancel(onCancel);
    conn.handshake().then(
      (info) => {
        cancellation.offCancel(onCancel);
        resolve(info);
      },
      (error: unknown) => {
        cancellation.offCancel(onCancel);
        closeQuietly(conn);
        reject(error);
      },
    );
  });
}
