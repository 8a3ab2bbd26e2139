/**
 * The load server: its own process (started by the CLI), as lean as Node
 * allows, so that it is never what a measurement measures. Every service has
 * its own port; no service parses more than one short line.
 *
 * Usage: node server.js <cert.pem> <key.pem>
 * Prints one JSON line with the ports, then serves until stdin closes or it
 * receives SIGTERM.
 */
import { readFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { createSecureContext, createServer as createTlsServer, TLSSocket } from "node:tls";
import {
  HOST,
  type Ports,
  STARTTLS_COMMAND,
  STARTTLS_GO_AHEAD,
  STARTTLS_GREETING,
} from "./trial/protocol.js";

const [certPath, keyPath] = process.argv.slice(2);
if (!certPath || !keyPath) {
  console.error("usage: server.js <cert.pem> <key.pem>");
  process.exit(2);
}
const tlsOptions = { cert: readFileSync(certPath), key: readFileSync(keyPath) };
/** For STARTTLS upgrades, which wrap an accepted socket in a TLSSocket by hand. */
const secureContext = createSecureContext(tlsOptions);

/**
 * Downloads are served from one preallocated block: `write()` hands the same
 * memory to the kernel again and again, so the server does no per-byte work
 * in JavaScript. 1 MiB keeps the number of writes (and drain events) small.
 */
const BLOCK = Buffer.alloc(1 << 20, 0x5a);

const noop = () => {};
const sockets = new Set<Socket>();

function track(socket: Socket): void {
  sockets.add(socket);
  socket.on("error", noop);
  socket.once("close", () => sockets.delete(socket));
}

/** Sends `remaining` bytes as fast as the socket takes them, then FIN. */
function pump(socket: Socket, remaining: number): void {
  const next = () => {
    while (remaining > 0) {
      const n = Math.min(remaining, BLOCK.length);
      remaining -= n;
      if (!socket.write(n === BLOCK.length ? BLOCK : BLOCK.subarray(0, n))) {
        if (remaining > 0) socket.once("drain", next);
        else socket.end();
        return;
      }
    }
    socket.end();
  };
  next();
}

/** Reads the `<bytes>\n` request, then pumps. */
function source(socket: Socket): void {
  let line = "";
  const onData = (chunk: Buffer) => {
    line += chunk.toString("latin1");
    const newline = line.indexOf("\n");
    if (newline === -1) return;
    socket.off("data", onData);
    const bytes = Number(line.slice(0, newline));
    if (!Number.isSafeInteger(bytes) || bytes < 0) {
      socket.destroy();
      return;
    }
    pump(socket, bytes);
  };
  socket.on("data", onData);
}

function sink(socket: Socket): void {
  let count = 0;
  socket.on("data", (chunk: Buffer) => {
    count += chunk.length;
  });
  socket.on("end", () => socket.end(`${count}\n`));
}

function echo(socket: Socket): void {
  socket.on("data", (chunk: Buffer) => socket.write(chunk));
}

function starttls(socket: Socket): void {
  socket.write(STARTTLS_GREETING);
  let line = "";
  const onData = (chunk: Buffer) => {
    line += chunk.toString("latin1");
    if (line.length < STARTTLS_COMMAND.length) return;
    socket.off("data", onData);
    if (line !== STARTTLS_COMMAND) {
      socket.destroy();
      return;
    }
    socket.pause();
    socket.write(STARTTLS_GO_AHEAD, () => {
      const secure = new TLSSocket(socket, { isServer: true, secureContext });
      track(secure);
      echo(secure);
    });
  };
  socket.on("data", onData);
}

const servers: Server[] = [];

async function listen(server: Server): Promise<number> {
  servers.push(server);
  server.on("connection", track);
  server.on("tlsClientError", noop);
  server.on("error", (error) => {
    console.error(`[server] ${error.message}`);
  });
  await new Promise<void>((resolve) =>
    server.listen({ port: 0, host: HOST, backlog: 4096 }, resolve),
  );
  const address = server.address();
  return typeof address === "object" && address !== null ? address.port : 0;
}

const plain = { noDelay: true } as const;
const ports: Ports = {
  echo: await listen(createServer(plain, echo)),
  source: await listen(createServer(plain, source)),
  sink: await listen(createServer({ ...plain, allowHalfOpen: true }, sink)),
  hold: await listen(createServer(plain, noop)),
  tlsSource: await listen(
    createTlsServer({ ...plain, ...tlsOptions }, (socket) => source(socket as unknown as Socket)),
  ),
  tlsHold: await listen(createTlsServer({ ...plain, ...tlsOptions }, noop)),
  starttls: await listen(createServer(plain, starttls)),
};
process.stdout.write(`${JSON.stringify({ ports })}\n`);

function shutdown(): void {
  for (const server of servers) server.close();
  for (const socket of sockets) socket.destroy();
  process.exit(0);
}
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
// The CLI holds our stdin: when it goes away (even killed), so do we.
process.stdin.on("end", shutdown);
process.stdin.on("error", shutdown);
process.stdin.resume();
