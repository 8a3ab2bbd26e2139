import type { TlsSettings, Transport } from "@sockets/core/backend";
import { closeQuietly, type DenoTcpConn, type DenoTlsConn, deno } from "./_deno.js";
import { DenoTransport } from "./transport.js";

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
 * Deno's roots. The connection is consumed: on failure it is closed.
 */
export async function startTls(
  conn: DenoTcpConn,
  tls: TlsSettings,
  signal: AbortSignal,
): Promise<Transport> {
  let secure: DenoTlsConn;
  try {
    signal.throwIfAborted();
    secure = await deno().startTls(conn, {
      hostname: tls.serverName,
      caCerts: [...tls.ca],
      alpnProtocols: tls.alpn.length > 0 ? [...tls.alpn] : undefined,
    });
  } catch (error) {
    closeQuietly(conn);
    throw error;
  }
  const { alpnProtocol } = await handshake(secure, signal);
  return new DenoTransport(secure, { secure: true, alpn: alpnProtocol });
}

/**
 * Runs the handshake to completion, so that `opened` means "verified" and
 * reports ALPN. Deno has no signal here: closing the connection interrupts it.
 */
function handshake(
  conn: DenoTlsConn,
  signal: AbortSignal,
): Promise<{ alpnProtocol: string | null }> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      closeQuietly(conn);
      reject(signal.reason);
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    conn.handshake().then(
      (info) => {
        signal.removeEventListener("abort", onAbort);
        resolve(info);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        closeQuietly(conn);
        reject(error);
      },
    );
  });
}
