import { once } from "node:events";
import { createServer, type Server, type Socket } from "node:net";
import { TLSSocket } from "node:tls";

/** PostgreSQL's SSLRequest: length 8, then the code 80877103 (PostgreSQL protocol docs, "SSLRequest"). */
const SSL_REQUEST = Buffer.from([0, 0, 0, 8, 4, 210, 22, 47]);

export interface SslServer {
  readonly port: number;
  /** What the server saw that a verifying client must never send: empty when all is well. */
  violations(): string[];
  close(): Promise<void>;
}

/**
 * A stand-in for PostgreSQL that accepts SSLRequest and then presents a
 * certificate a verifying client must reject (another hostname, or an
 * untrusted CA). It records any cleartext after SSLRequest that is not a TLS
 * handshake, and any application data that arrives over TLS: a client that
 * rejected the certificate must send neither (no query leaves).
 */
export async function startSslServer(cert: string, key: string): Promise<SslServer> {
  const seen: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      if (head.length < SSL_REQUEST.length) return;
      socket.off("data", onData);
      if (!head.subarray(0, 8).equals(SSL_REQUEST)) {
        seen.push(`cleartext instead of SSLRequest: ${head.subarray(0, 32).toString("hex")}`);
        socket.destroy();
        return;
      }
      const rest = head.subarray(8);
      socket.pause();
      socket.write("S");
      const tls = new TLSSocket(socket, { isServer: true, cert, key });
      // Bytes the client sent right after SSLRequest belong to the handshake.
      if (rest.length > 0) socket.unshift(rest);
      tls.on("error", (error: Error) => {
        // A client that rejects the certificate sends an alert (expected). One
        // that sends its startup message in cleartext makes this side fail
        // to parse a TLS record.
        if (
          /wrong version number|unknown protocol|packet length|http request/i.test(error.message)
        ) {
          seen.push(`cleartext after the server accepted SSL (${error.message})`);
        }
      });
      tls.on("data", (data: Buffer) => {
        seen.push(
          `${data.length} bytes of application data over TLS: the client did not reject the certificate`,
        );
      });
      socket.resume();
    };
    socket.on("data", onData);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    port,
    violations: () => [...seen],
    async close() {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, "close");
    },
  };
}

/** A loopback port nothing listens on: bound, then released. */
export async function refusedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  server.close();
  await once(server, "close");
  return port;
}
