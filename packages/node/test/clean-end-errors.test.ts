import { once } from "node:events";
import { createServer, connect as netConnect, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, isSocketError, type Socket, serve } from "../src/index.js";

/**
 * Core makes the writable's error after a clean end (close(), the peer's FIN)
 * only when the writable exists, and without a stack trace (apps/bench
 * FINDINGS.md, change 35). What a user sees must still be a whole SocketError:
 * name, code, a message naming the peer, and a string stack; and the
 * process's own `Error.stackTraceLimit` must be left as it was.
 */

/** Greets with one byte, then sends FIN. */
let finServer: Server;
let finPort = 0;

beforeAll(async () => {
  finServer = createServer((socket) => {
    socket.on("error", () => {});
    socket.end("x");
  });
  finServer.listen(0, "127.0.0.1");
  await once(finServer, "listening");
  finPort = (finServer.address() as { port: number }).port;
});

afterAll(() => {
  finServer.close();
});

async function drain(socket: Socket): Promise<void> {
  const reader = socket.readable.getReader();
  while (!(await reader.read()).done) {}
  reader.releaseLock();
}

/** The write's rejection, checked to be a complete SocketError. */
async function expectWholeSocketError(write: Promise<void>, port: number): Promise<void> {
  const error: unknown = await write.then(
    () => expect.fail("the write after the end was accepted"),
    (e: unknown) => e,
  );
  expect(isSocketError(error, "ERR_SOCKET_CLOSED")).toBe(true);
  const e = error as Error;
  expect(e).toBeInstanceOf(TypeError);
  expect(e.name).toBe("SocketError");
  expect(e.message).toMatch(/^SocketError: /);
  expect(e.message).toContain(`127.0.0.1:${port}`);
  expect(typeof e.stack).toBe("string");
}

describe("the writable's error after a clean end", () => {
  it("a writer held before the peer's FIN gets a whole SocketError, and the stack limit is kept", async () => {
    const limit = Error.stackTraceLimit;
    const socket = connect(`127.0.0.1:${finPort}`);
    const writer = socket.writable.getWriter();
    await socket.opened;
    await drain(socket);
    await socket.closed;
    await expectWholeSocketError(writer.write(new Uint8Array([1])), finPort);
    expect(Error.stackTraceLimit).toBe(limit);
  });

  it("a writable first touched after the peer's FIN gets a whole SocketError", async () => {
    const socket = connect(`127.0.0.1:${finPort}`);
    await socket.opened;
    await drain(socket);
    await socket.closed;
    await expectWholeSocketError(socket.writable.getWriter().write(new Uint8Array([1])), finPort);
  });

  it("a writable first touched after close() gets a whole SocketError", async () => {
    const socket = connect(`127.0.0.1:${finPort}`);
    await socket.opened;
    await socket.close();
    await expectWholeSocketError(socket.writable.getWriter().write(new Uint8Array([1])), finPort);
  });

  it("a server handler's writer gets a whole SocketError after the client's FIN", async () => {
    let result: Promise<void> | undefined;
    const server = await serve({
      hostname: "127.0.0.1",
      port: 0,
      async connect(socket) {
        // The handler runs on an open socket: write at once, as the bench's does.
        const writer = socket.writable.getWriter();
        await writer.write(new Uint8Array([0x2a]));
        const info = await socket.opened;
        await drain(socket);
        await socket.closed;
        const peerPort = Number(info.remoteAddress.split(":").pop());
        result = expectWholeSocketError(writer.write(new Uint8Array([1])), peerPort);
        await result.catch(() => {});
      },
    }).ready;
    try {
      const client = netConnect({ host: "127.0.0.1", port: server.port });
      client.on("error", () => {});
      const [greeting] = (await once(client, "data")) as [Buffer];
      expect(greeting[0]).toBe(0x2a);
      client.end();
      await once(client, "close");
      await server.close();
      expect(result).toBeDefined();
      await result;
    } finally {
      await server.close(true);
    }
  });
});
