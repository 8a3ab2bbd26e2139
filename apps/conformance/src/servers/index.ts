import { once } from "node:events";
import {
  createServer as createNetServer,
  connect as netConnect,
  type Server,
  type Socket,
} from "node:net";
import { createServer as createTlsServer, TLSSocket, type TlsOptions } from "node:tls";
import type { TestPki } from "./certs.js";
import {
  ALPN_OFFERED_BY_SERVER,
  type CountedServer,
  patternByte,
  SEND_THEN_FIN_GREETING,
  type ServerPorts,
  STARTTLS_GO_AHEAD,
  STARTTLS_GREETING,
} from "./protocol.js";

export { createTestPki, type TestPki } from "./certs.js";
export * from "./protocol.js";

export interface RunningServers {
  readonly ports: ServerPorts;
  readonly pki: TestPki;
  close(): Promise<void>;
}

/** The echo behaviour: everything back, then our FIN after the client's. */
function echo(socket: Socket): void {
  socket.on("error", () => {});
  socket.pipe(socket);
}

const BLOCK = 64 * 1024;
/**
 * The pattern of a 64 KiB-aligned block depends only on (offset >>> 16) & 0xff
 * (see patternByte), so 256 cached blocks serve any stream without recomputing.
 */
const blocks = new Map<number, Buffer>();
function blockAt(offset: number): Buffer {
  const key = (offset >>> 16) & 0xff;
  let block = blocks.get(key);
  if (!block) {
    block = patternFrom(offset, BLOCK);
    blocks.set(key, block);
  }
  return block;
}

function patternFrom(offset: number, length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) out[i] = patternByte(offset + i);
  return out;
}

/** Waits for 'drain' or 'close', removing both listeners either way. */
function drainOrClose(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      socket.off("drain", done);
      socket.off("close", done);
      resolve();
    };
    socket.on("drain", done);
    socket.on("close", done);
  });
}

/**
 * Starts every test server on an ephemeral loopback port. All of them are
 * closed (and their connections destroyed) by `close()`.
 */
export async function startServers(pki: TestPki): Promise<RunningServers> {
  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  };
  const sourceProgress = new Map<string, number>();
  const receivedAfterFin = new Map<string, Buffer[]>();
  let nextConnectionId = 1;
  // Application bytes that reached a TLS server the client must refuse (see "LEAKED").
  let leaked = 0;
  const countLeaks = (socket: Socket) => {
    socket.on("data", (chunk: Buffer) => {
      leaked += chunk.length;
    });
  };
  /** What followed each client's STARTTLS command: the fault cases check no cleartext did. */
  const afterStartTls = new Map<number, string>();
  const openBy = new Map<CountedServer, Set<Socket>>();
  /** Counts `socket` as open on `name` until it closes: the fault cases check connections are released. */
  const count = (name: CountedServer, socket: Socket) => {
    let open = openBy.get(name);
    if (!open) {
      open = new Set();
      openBy.set(name, open);
    }
    open.add(socket);
    socket.once("close", () => open.delete(socket));
  };
  const tlsBase: TlsOptions = { cert: pki.server.cert, key: pki.server.key };

  const listen = async (server: Server, host = "127.0.0.1"): Promise<number> => {
    server.on("connection", track);
    server.on("secureConnection", () => {});
    server.on("tlsClientError", () => {});
    servers.push(server);
    server.listen(0, host);
    await once(server, "listening");
    const address = server.address();
    return typeof address === "object" && address ? address.port : 0;
  };

  const echoPort = await listen(createNetServer({ allowHalfOpen: true }, echo));
  let echo6 = 0;
  try {
    echo6 = await listen(createNetServer({ allowHalfOpen: true }, echo), "::1");
  } catch {
    echo6 = 0; // No IPv6 loopback here; the IPv6 cases report it.
  }

  const tlsEcho = await listen(
    createTlsServer(
      { ...tlsBase, allowHalfOpen: true, ALPNProtocols: ALPN_OFFERED_BY_SERVER },
      echo,
    ),
  );

  const tlsInfo = await listen(
    createTlsServer(
      {
        ...tlsBase,
        ca: [pki.ca.cert],
        requestCert: true,
        rejectUnauthorized: false,
        ALPNProtocols: ALPN_OFFERED_BY_SERVER,
      },
      (socket) => {
        socket.on("error", () => {});
        const sni = (socket as TLSSocket & { servername?: string | false }).servername || "-";
        const alpn = socket.alpnProtocol || "-";
        const peer = socket.authorized ? socket.getPeerCertificate().subject?.CN || "-" : "-";
        socket.write(`sni=${sni} alpn=${alpn} client=${peer}\n`);
        // Ended inside 'secureConnection', a TLS 1.3 socket sends FIN without
        // close_notify (Node 20), and rustls clients (workerd) then fail the
        // read with "peer closed connection without sending TLS close_notify".
        // One turn of the event loop later, end() sends close_notify.
        setImmediate(() => socket.end());
      },
    ),
  );

  const echoCountingLeaks = (socket: Socket) => {
    countLeaks(socket);
    echo(socket);
  };
  const tlsUntrusted = await listen(
    createTlsServer({ cert: pki.untrusted.cert, key: pki.untrusted.key }, echoCountingLeaks),
  );
  const tlsWrongName = await listen(
    createTlsServer({ cert: pki.wrongName.cert, key: pki.wrongName.key }, echoCountingLeaks),
  );

  const starttls = await listen(
    createNetServer({ allowHalfOpen: true }, (socket) => {
      socket.on("error", () => {});
      count("starttls", socket);
      const clientPort = socket.remotePort ?? 0;
      socket.write(STARTTLS_GREETING);
      let buffered = "";
      const onData = (chunk: Buffer) => {
        buffered += chunk.toString("latin1");
        let newline = buffered.indexOf("\n");
        while (newline !== -1) {
          const line = buffered.slice(0, newline).replace(/\r$/, "");
          buffered = buffered.slice(newline + 1);
          if (
            line === "STARTTLS" ||
            line === "STARTTLS-QUIET" ||
            line === "STARTTLS-WRONGNAME" ||
            line === "STARTTLS-STALL"
          ) {
            socket.off("data", onData);
            socket.pause();
            const wrongName = line === "STARTTLS-WRONGNAME";
            afterStartTls.set(clientPort, "none");
            // A TLS handshake record starts with content type 22 (RFC 8446 §5.1);
            // anything else after the command is cleartext that should not be there.
            const record = (text: string) =>
              afterStartTls.set(
                clientPort,
                text.charCodeAt(0) === 22
                  ? "tls"
                  : `cleartext ${JSON.stringify(text.slice(0, 64))}`,
              );
            if (line === "STARTTLS-STALL") {
              // Discard the ClientHello and never answer; close with the client.
              socket.on("end", () => socket.destroy());
              socket.resume();
              socket.write(STARTTLS_GO_AHEAD);
              return;
            }
            const upgrade = () => {
              const secure = new TLSSocket(socket, {
                ...(wrongName ? { cert: pki.wrongName.cert, key: pki.wrongName.key } : tlsBase),
                isServer: true,
              });
              if (wrongName) countLeaks(secure);
              // Bytes the client sent right after the command belong to the handshake.
              if (buffered.length > 0) socket.unshift(Buffer.from(buffered, "latin1"));
              secure.on("error", () => {});
              track(secure);
              secure.pipe(secure);
            };
            // Look at the first bytes after the command before TLS takes the socket over.
            const inspectThenUpgrade = () => {
              if (buffered.length > 0) {
                record(buffered);
                upgrade();
                return;
              }
              socket.once("data", (chunk: Buffer) => {
                socket.pause();
                buffered = chunk.toString("latin1");
                record(buffered);
                upgrade();
              });
              socket.resume();
            };
            if (line !== "STARTTLS-QUIET") socket.write(STARTTLS_GO_AHEAD, inspectThenUpgrade);
            else inspectThenUpgrade();
            return;
          }
          if (!line.startsWith("#")) socket.write(`PLAIN ${line}\n`);
          newline = buffered.indexOf("\n");
        }
      };
      socket.on("data", onData);
    }),
  );

  const sendThenFin = await listen(
    createNetServer({ allowHalfOpen: true }, (socket) => {
      socket.on("error", () => {});
      const port = socket.remotePort ?? 0;
      const got: Buffer[] = [];
      receivedAfterFin.set(String(port), got);
      socket.on("data", (chunk: Buffer) => got.push(chunk));
      socket.on("end", () => socket.destroy());
      socket.end(SEND_THEN_FIN_GREETING);
    }),
  );

  const sendIdThenFin = await listen(
    createNetServer({ allowHalfOpen: true }, (socket) => {
      socket.on("error", () => {});
      const id = nextConnectionId++;
      const got: Buffer[] = [];
      receivedAfterFin.set(`id${id}`, got);
      socket.on("data", (chunk: Buffer) => got.push(chunk));
      socket.on("end", () => socket.destroy());
      socket.end(`id ${id}\n`);
    }),
  );

  const waitFin = await listen(
    createNetServer({ allowHalfOpen: true }, (socket) => {
      socket.on("error", () => {});
      let received = 0;
      socket.on("data", (chunk: Buffer) => {
        received += chunk.length;
      });
      socket.on("end", () => socket.end(`received ${received} bytes\n`));
    }),
  );

  const reset = await listen(
    createNetServer((socket) => {
      socket.on("error", () => {});
      count("reset", socket);
      socket.once("data", () => socket.resetAndDestroy());
    }),
  );

  const silent = await listen(
    createNetServer((socket) => {
      socket.on("error", () => {});
      count("silent", socket);
      socket.resume();
    }),
  );

  const finOnData = await listen(
    createNetServer((socket) => {
      socket.on("error", () => {});
      count("finOnData", socket);
      socket.once("data", () => socket.end());
    }),
  );

  const resetMidDownload = await listen(
    createNetServer((socket) => {
      socket.on("error", () => {});
      count("resetMidDownload", socket);
      socket.once("data", () => {
        socket.write(patternFrom(0, 1024 * 1024));
        setTimeout(() => {
          if (!socket.destroyed) socket.resetAndDestroy();
        }, 50);
      });
    }),
  );

  const resetIdle = await listen(
    createNetServer((socket) => {
      socket.on("error", () => {});
      count("resetIdle", socket);
      // resetAndDestroy(): SO_LINGER 0 then close, so the peer gets a RST and no FIN.
      setTimeout(() => {
        if (!socket.destroyed) socket.resetAndDestroy();
      }, 50);
    }),
  );

  const source = await listen(
    createNetServer({ allowHalfOpen: true }, (socket) => {
      socket.on("error", () => {});
      let header = "";
      const onData = (chunk: Buffer) => {
        header += chunk.toString("latin1");
        const newline = header.indexOf("\n");
        if (newline === -1) return;
        socket.off("data", onData);
        socket.resume(); // Drop anything else the client sends.
        const [, total = "0", id = ""] = header.slice(0, newline).split(" ");
        void stream(socket, Number(total), id);
      };
      socket.on("data", onData);
    }),
  );

  async function stream(socket: Socket, total: number, id: string): Promise<void> {
    let sent = 0;
    sourceProgress.set(id, 0);
    while (sent < total && !socket.destroyed) {
      const length = Math.min(BLOCK, total - sent);
      const chunk =
        length === BLOCK && sent % BLOCK === 0 ? blockAt(sent) : patternFrom(sent, length);
      sent += length;
      const flushed = socket.write(chunk, () => {
        sourceProgress.set(id, (sourceProgress.get(id) ?? 0) + length);
      });
      if (!flushed) await drainOrClose(socket);
    }
    if (!socket.destroyed) socket.end();
  }

  const stall = await listen(
    createNetServer((socket) => {
      socket.on("error", () => {});
      socket.pause();
    }),
  );

  const control = await listen(
    createNetServer((socket) => {
      socket.on("error", () => {});
      let buffered = "";
      socket.on("data", (chunk: Buffer) => {
        buffered += chunk.toString("latin1");
        let newline = buffered.indexOf("\n");
        while (newline !== -1) {
          const [command, arg = ""] = buffered.slice(0, newline).trim().split(" ");
          buffered = buffered.slice(newline + 1);
          if (command === "STAT") socket.write(`${sourceProgress.get(arg) ?? -1}\n`);
          else if (command === "LEAKED") socket.write(`${leaked}\n`);
          else if (command === "RESET") {
            // A client that resets: for the server cases, a peer that sends RST.
            resetClient(Number(arg)).then(
              () => socket.write("OK\n"),
              (error: Error) => socket.write(`ERR ${error.message}\n`),
            );
          } else if (command === "GOT") {
            const got = receivedAfterFin.get(arg);
            socket.write(`${got ? JSON.stringify(Buffer.concat(got).toString("utf8")) : "null"}\n`);
          } else if (command === "FIRST") {
            socket.write(`${afterStartTls.get(Number(arg)) ?? "unknown"}\n`);
          } else if (command === "OPEN") {
            socket.write(`${openBy.get(arg as CountedServer)?.size ?? 0}\n`);
          } else socket.write("ERR\n");
          newline = buffered.indexOf("\n");
        }
      });
    }),
  );

  /** Dials 127.0.0.1:port, sends one line, and resets the connection once the server answers. */
  function resetClient(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const client = netConnect({ host: "127.0.0.1", port }, () => client.write("reset me\n"));
      client.once("data", () => {
        client.resetAndDestroy();
        resolve();
      });
      client.once("error", reject);
      client.once("close", () => reject(new Error("closed before the server answered")));
    });
  }

  // A port that was just free: bind, note it, close. Nothing listens there.
  const probe = createNetServer();
  probe.listen(0, "127.0.0.1");
  await once(probe, "listening");
  const refusedAddress = probe.address();
  const refused = typeof refusedAddress === "object" && refusedAddress ? refusedAddress.port : 1;
  await new Promise<void>((resolve) => probe.close(() => resolve()));

  return {
    pki,
    ports: {
      echo: echoPort,
      echo6,
      tlsEcho,
      tlsInfo,
      tlsUntrusted,
      tlsWrongName,
      starttls,
      sendThenFin,
      sendIdThenFin,
      waitFin,
      reset,
      source,
      control,
      stall,
      refused,
      finOnData,
      resetMidDownload,
      resetIdle,
      silent,
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await Promise.all(
        servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
      );
    },
  };
}
