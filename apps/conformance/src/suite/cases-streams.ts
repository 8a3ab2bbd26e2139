import { patternByte } from "../servers/protocol.js";
import { equal, fail, ok, rejects, SuiteTimeout } from "./assert.js";
import { defineCases } from "./harness.js";
import { control, decode, encoder, readUntil, sleep, within, writeText } from "./io.js";

const MiB = 1024 * 1024;

/** Reads exactly `total` bytes of the source pattern from `reader`, checking every byte. */
async function expectPattern(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  total: number,
): Promise<void> {
  let offset = 0;
  while (offset < total) {
    const { value, done } = await reader.read();
    if (done) fail(`stream ended at ${offset} of ${total} bytes`);
    for (let i = 0; i < value.length; i++) {
      if (value[i] !== patternByte(offset + i)) fail(`byte ${offset + i} differs`);
    }
    offset += value.length;
  }
  equal(offset, total, "bytes received");
  equal((await reader.read()).done, true, "EOF after the last byte");
}

let nextId = 0;
function sourceId(runtime: string): string {
  return `${runtime}-${Date.now().toString(36)}-${nextId++}`;
}

export const streamCases = defineCases("streams", {
  "echoes bytes; opened reports the remote host:port and no ALPN": async ({ connect, ports }) => {
    const socket = connect(`127.0.0.1:${ports.echo}`);
    const info = await socket.opened;
    equal(info.remoteAddress, `127.0.0.1:${ports.echo}`, "remoteAddress");
    equal(info.alpn, null, "alpn");
    await writeText(socket, "hello\n");
    equal(await readUntil(socket.readable.getReader(), "\n"), "hello\n", "echo");
    await socket.close();
  },
  "queues writes made before the connection opens and sends them in order": async ({
    connect,
    ports,
  }) => {
    const socket = connect(`127.0.0.1:${ports.echo}`);
    const writer = socket.writable.getWriter();
    const writes = ["one,", "two,", "three\n"].map((part) => writer.write(encoder.encode(part)));
    await Promise.all(writes);
    equal(
      await readUntil(socket.readable.getReader(), "\n"),
      "one,two,three\n",
      "echo of queued writes",
    );
    await socket.close();
  },
  "writable accepts ArrayBuffer, views and UTF-8 strings; empty writes are no-ops": async ({
    connect,
    ports,
  }) => {
    const socket = connect(`127.0.0.1:${ports.echo}`);
    const writer = socket.writable.getWriter();
    const u16 = new Uint16Array([0x4241]); // "AB" little-endian
    await writer.write(new Uint8Array(0));
    await writer.write(new Uint8Array([0x31]).buffer);
    await writer.write(new DataView(new Uint8Array([0x32, 0x33]).buffer, 1, 1));
    await writer.write(u16);
    await writer.write("");
    await writer.write("é✓\n");
    const text = await readUntil(socket.readable.getReader(), "\n");
    const expected = `13${decode(new Uint8Array(u16.buffer))}é✓\n`;
    equal(text, expected, "bytes as laid out in memory, strings as UTF-8");
    await socket.close();
  },
  "writable rejects values that are not bytes or strings with a TypeError": async ({
    connect,
    ports,
  }) => {
    for (const value of [42, { length: 1 }, null, [1, 2]]) {
      const socket = connect(`127.0.0.1:${ports.echo}`);
      await socket.opened;
      const writer = socket.writable.getWriter();
      const error = await rejects(
        writer.write(value as unknown as string),
        `write(${JSON.stringify(value)})`,
      );
      ok(error instanceof TypeError, `expected a TypeError, got ${String(error)}`);
      equal((error as { code?: string }).code, "ERR_INVALID_CHUNK", "code");
      await socket.close();
    }
  },
  "readable is a byte stream: a BYOB reader fills the caller's buffer": async ({
    connect,
    ports,
  }) => {
    const socket = connect(`127.0.0.1:${ports.echo}`);
    await writeText(socket, "abcdefgh");
    const reader = socket.readable.getReader({ mode: "byob" });
    let got = "";
    while (got.length < 8) {
      const { value, done } = await reader.read(new Uint8Array(3));
      if (done || !value) fail("ended early");
      ok(value.byteLength <= 3, "a BYOB read never exceeds the given buffer");
      ok(value instanceof Uint8Array, "BYOB chunk is a Uint8Array");
      got += decode(value);
    }
    equal(got, "abcdefgh", "bytes through BYOB reads");
    reader.releaseLock();
    await socket.close();
  },
  "for await iterates Uint8Array chunks until the peer ends": async ({ connect, ports }) => {
    const socket = connect(`127.0.0.1:${ports.waitFin}`);
    const writer = socket.writable.getWriter();
    await writer.write("12345");
    await writer.close();
    const chunks: unknown[] = [];
    for await (const chunk of socket.readable as unknown as AsyncIterable<Uint8Array>)
      chunks.push(chunk);
    ok(chunks.length > 0 && chunks.every((c) => c instanceof Uint8Array), "chunks are Uint8Array");
    equal(decode(concat(chunks as Uint8Array[])), "received 5 bytes\n", "reply");
    await socket.closed;
  },
  "a 64 MiB echo arrives byte-exact": {
    timeoutMs: 120_000,
    async run({ connect, ports }) {
      const total = 64 * MiB;
      const socket = connect(`127.0.0.1:${ports.echo}`);
      const writer = socket.writable.getWriter();
      const chunk = new Uint8Array(256 * 1024);
      const sending = (async () => {
        for (let sent = 0; sent < total; sent += chunk.length) {
          // A fresh buffer per write: the stream may hold on to it until it is sent.
          const block = chunk.slice();
          for (let i = 0; i < block.length; i++) block[i] = patternByte(sent + i);
          await writer.ready;
          void writer.write(block);
        }
        await writer.close();
      })();
      const reader = socket.readable.getReader();
      await expectPattern(reader, total);
      await sending;
      await socket.closed;
    },
  },
  "a 64 MiB download through a BYOB reader arrives byte-exact": {
    timeoutMs: 120_000,
    async run({ connect, ports, runtime }) {
      const total = 64 * MiB;
      const socket = connect(`127.0.0.1:${ports.source}`);
      await writeText(socket, `SEND ${total} ${sourceId(runtime)}\n`);
      const reader = socket.readable.getReader({ mode: "byob" });
      let buffer = new Uint8Array(128 * 1024);
      let offset = 0;
      for (;;) {
        const { value, done } = await reader.read(buffer);
        if (done) break;
        for (let i = 0; i < value.length; i++) {
          if (value[i] !== patternByte(offset + i)) fail(`byte ${offset + i} differs`);
        }
        offset += value.length;
        buffer = new Uint8Array(value.buffer);
      }
      equal(offset, total, "bytes received");
      await socket.closed;
    },
  },
  "BYOB reads of any size, then a default reader, get every byte in order": {
    timeoutMs: 60_000,
    async run({ connect, ports, runtime }) {
      // Views smaller and larger than the chunks the runtime delivers, so
      // chunks are split across reads and reads span chunks.
      const total = 4 * MiB;
      const sizes = [1, 1000, 4096, 64 * 1024 + 3, 7, 300 * 1024];
      const socket = connect(`127.0.0.1:${ports.source}`);
      await writeText(socket, `SEND ${total} ${sourceId(runtime)}\n`);
      const byob = socket.readable.getReader({ mode: "byob" });
      let offset = 0;
      for (let round = 0; offset < total / 2; round++) {
        const size = sizes[round % sizes.length] ?? 1;
        const { value, done } = await byob.read(new Uint8Array(size));
        if (done || !value) fail(`ended at ${offset} of ${total} bytes`);
        ok(value.byteLength >= 1 && value.byteLength <= size, "a BYOB read fills 1 to size bytes");
        for (let i = 0; i < value.length; i++) {
          if (value[i] !== patternByte(offset + i)) fail(`byte ${offset + i} differs`);
        }
        offset += value.length;
      }
      byob.releaseLock();
      const reader = socket.readable.getReader();
      while (offset < total) {
        const { value, done } = await reader.read();
        if (done) fail(`ended at ${offset} of ${total} bytes`);
        for (let i = 0; i < value.length; i++) {
          if (value[i] !== patternByte(offset + i)) fail(`byte ${offset + i} differs`);
        }
        offset += value.length;
      }
      equal(offset, total, "bytes received");
      equal((await reader.read()).done, true, "EOF after the last byte");
      await socket.closed;
    },
  },
  "writer.ready waits while the peer does not read (backpressure)": {
    timeoutMs: 90_000,
    async run({ connect, ports }) {
      const socket = connect(`127.0.0.1:${ports.stall}`, { highWaterMark: 64 * 1024 });
      const writer = socket.writable.getWriter();
      const accepted = await writeUntilBackpressure(writer);
      ok(accepted < BACKPRESSURE_LIMIT, `all ${accepted} bytes were accepted: no backpressure`);
      ok(writer.desiredSize !== null && writer.desiredSize <= 0, "desiredSize is exhausted");
      // Not awaited: how close() behaves with writes still queued is its own case below.
      socket.close().catch(() => {});
    },
  },
  "close() settles while writes are queued for a peer that never reads": {
    timeoutMs: 90_000,
    async run({ connect, ports }) {
      const socket = connect(`127.0.0.1:${ports.stall}`, { highWaterMark: 64 * 1024 });
      const writer = socket.writable.getWriter();
      const accepted = await writeUntilBackpressure(writer);
      ok(accepted < BACKPRESSURE_LIMIT, `all ${accepted} bytes were accepted: no backpressure`);
      await within(socket.close(), 10_000, "close() with writes queued for a stalled peer");
      await rejects(writer.write(new Uint8Array(1)), "a write after close()");
    },
  },
  "a write queued behind one the peer never takes rejects once close() is called": {
    timeoutMs: 90_000,
    async run({ connect, ports }) {
      const socket = connect(`127.0.0.1:${ports.stall}`, { highWaterMark: 64 * 1024 });
      const writer = socket.writable.getWriter();
      const accepted = await writeUntilBackpressure(writer);
      ok(accepted < BACKPRESSURE_LIMIT, `all ${accepted} bytes were accepted: no backpressure`);
      // Queued behind the write the connection is still holding: the stream
      // settles it only after that one, so it hangs if closing leaves the
      // held write waiting for a peer that will never read.
      const queued = writer.write(new Uint8Array(1));
      await within(socket.close(), 10_000, "close() with writes queued for a stalled peer");
      const error = await rejects(
        within(queued, 10_000, "the write queued before close()"),
        "a write queued before close()",
      );
      ok(!(error instanceof SuiteTimeout), `the write queued before close() never settled`);
    },
  },
  "a reader that stops reading keeps memory bounded (the server is paced)": {
    timeoutMs: 90_000,
    async run({ connect, ports, runtime }) {
      const total = 512 * MiB;
      const id = sourceId(runtime);
      const socket = connect(`127.0.0.1:${ports.source}`);
      await writeText(socket, `SEND ${total} ${id}\n`);
      const reader = socket.readable.getReader();
      await reader.read(); // one chunk, then stop reading
      // Wait until the server stops making progress (its writes are blocked by
      // flow control), at most 60 s. A client that buffered without bound would
      // let it push all 512 MiB.
      let last = -1;
      let stable = 0;
      for (let i = 0; i < 600 && stable < 10; i++) {
        await sleep(100);
        const now = Number(await control(connect, ports.control, `STAT ${id}`));
        stable = now === last ? stable + 1 : 0;
        last = now;
      }
      ok(last >= 0, "the source server saw the request");
      ok(
        last < 32 * MiB,
        `the server pushed ${last} bytes into a reader that stopped: not bounded`,
      );
      reader.releaseLock();
      await socket.close();
    },
  },
});

const BACKPRESSURE_LIMIT = 256 * MiB;

/**
 * Writes 64 KiB blocks while `writer.ready` resolves within a second, up to
 * 256 MiB; returns the bytes accepted. A peer that never reads must make
 * `ready` wait; without backpressure all 256 MiB go through.
 */
async function writeUntilBackpressure(
  writer: WritableStreamDefaultWriter<Uint8Array>,
): Promise<number> {
  const block = new Uint8Array(64 * 1024);
  let accepted = 0;
  while (accepted < BACKPRESSURE_LIMIT) {
    const ready = await Promise.race([
      writer.ready.then(() => true),
      sleep(1000).then(() => false),
    ]);
    if (!ready) break;
    void writer.write(block).catch(() => {});
    accepted += block.length;
  }
  return accepted;
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
