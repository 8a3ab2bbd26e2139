import { once } from "node:events";
import { createServer, type Socket as NetSocket, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect } from "../src/index.js";

/**
 * Plain sockets read through one buffer shared by the whole process
 * (src/shared-read-buffer.ts). These check that concurrent sockets never see
 * each other's bytes, whichever reader they use, and that bytes the server
 * sends before anyone reads are not lost.
 */
const BYTES = 8 * 1024 * 1024;
const SOCKETS = 6;

/** Byte `i` of connection `seed`'s stream: a different sequence per connection. */
const byteAt = (seed: number, i: number) => (i * 7 + seed * 31 + (i >> 12)) % 251;

let server: Server;
let port = 0;

beforeAll(async () => {
  let next = 0;
  server = createServer((socket: NetSocket) => {
    socket.on("error", () => {});
    const seed = next++;
    // The seed goes first, so the client knows which sequence to expect; the
    // rest is sent at once, before the client reads.
    socket.write(Uint8Array.of(seed));
    let sent = 0;
    const pump = () => {
      while (sent < BYTES) {
        const block = new Uint8Array(Math.min(100_003, BYTES - sent));
        for (let j = 0; j < block.length; j++) block[j] = byteAt(seed, sent + j);
        sent += block.length;
        if (!socket.write(block)) {
          socket.once("drain", pump);
          return;
        }
      }
      socket.end();
    };
    pump();
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  port = (server.address() as { port: number }).port;
});

afterAll(() => {
  server.close();
});

/** Reads a whole stream with the given reader kind, checking every byte. */
async function readChecked(kind: "default" | "byob" | "switching"): Promise<number> {
  const socket = connect({ hostname: "127.0.0.1", port });
  let seed = -1;
  let offset = 0;
  const take = (bytes: Uint8Array) => {
    let start = 0;
    if (seed === -1 && bytes.byteLength > 0) {
      seed = bytes[0]!;
      start = 1;
    }
    for (let i = start; i < bytes.byteLength; i++) {
      if (bytes[i] !== byteAt(seed, offset)) {
        throw new Error(`connection ${seed}: byte ${offset} is ${bytes[i]}`);
      }
      offset++;
    }
  };
  const readByob = async (reads: number) => {
    const reader = socket.readable.getReader({ mode: "byob" });
    let buffer = new ArrayBuffer(4099);
    for (let n = 0; n < reads; n++) {
      const { value, done } = await reader.read(new Uint8Array(buffer, 0, 1 + (n % 4099)));
      if (done || value === undefined) return true;
      take(value);
      buffer = value.buffer as ArrayBuffer;
    }
    reader.releaseLock();
    return false;
  };
  const readDefault = async (reads: number) => {
    const reader = socket.readable.getReader();
    for (let n = 0; n < reads; n++) {
      const { value, done } = await reader.read();
      if (done) return true;
      take(value);
    }
    reader.releaseLock();
    return false;
  };
  for (let round = 0; ; round++) {
    const useByob = kind === "byob" || (kind === "switching" && round % 2 === 1);
    const ended = useByob ? await readByob(50) : await readDefault(50);
    if (ended) break;
  }
  await socket.close();
  return offset;
}

describe("plain sockets read through one shared buffer", () => {
  it("concurrent sockets with default, BYOB and switching readers each get their own bytes", async () => {
    const kinds = ["default", "byob", "switching"] as const;
    const totals = await Promise.all(
      Array.from({ length: SOCKETS }, (_, i) => readChecked(kinds[i % kinds.length]!)),
    );
    expect(totals).toEqual(Array(SOCKETS).fill(BYTES));
  }, 120_000);
});

describe("reads start without the consumer (transport.ts: no pause before core listens)", () => {
  it("a peer that greets and ends at once: a socket nobody reads from still closes, a reader gets every byte", async () => {
    const greeter = createServer({ allowHalfOpen: true }, (socket: NetSocket) => {
      socket.on("error", () => {});
      socket.resume();
      socket.end("hello\n");
    });
    greeter.listen(0, "127.0.0.1");
    await once(greeter, "listening");
    const greeterPort = (greeter.address() as { port: number }).port;
    try {
      const silent = connect({ hostname: "127.0.0.1", port: greeterPort });
      await silent.opened;
      // allowHalfOpen false: the peer's FIN must be seen with no read pending.
      const timeout = new Promise<string>((resolve) => {
        setTimeout(resolve, 20_000, "still open after 20 s").unref();
      });
      expect(await Promise.race([silent.closed.then(() => "closed"), timeout])).toBe("closed");

      const reading = connect({ hostname: "127.0.0.1", port: greeterPort });
      await reading.opened;
      let text = "";
      const decoder = new TextDecoder();
      for await (const chunk of reading.readable) text += decoder.decode(chunk, { stream: true });
      expect(text).toBe("hello\n");
      await reading.closed;
    } finally {
      greeter.close();
    }
  }, 60_000);
});
