/**
 * Deno-specific checks the shared suite does not make, run inside Deno by
 * backend.test.ts: STARTTLS with a read in flight (the case Deno.startTls
 * cannot handle: it fails with Busy), the node:tls path (client certificates),
 * and options Deno cannot honour. Prints one "@@check" line per check.
 */
import { connect, isSocketError, type Socket } from "@sockets/connect";

interface Config {
  ports: {
    starttls: number;
    tlsInfo: number;
    tlsEcho: number;
    echo: number;
    reset: number;
    stall: number;
  };
  ca: string;
  clientCert: { cert: string; key: string };
}
interface DenoGlobal {
  env: { get(name: string): string | undefined };
  memoryUsage(): { external: number; heapUsed: number };
}
interface RejectionEvents {
  addEventListener(
    type: "unhandledrejection",
    listener: (event: { preventDefault(): void }) => void,
  ): void;
}

const { Deno } = globalThis as unknown as { Deno: DenoGlobal };
const config = JSON.parse(Deno.env.get("SOCKETS_CONFORMANCE_CONFIG") ?? "{}") as Config;
const trust = { ca: config.ca };
const decoder = new TextDecoder();

let unhandledRejections = 0;
(globalThis as unknown as RejectionEvents).addEventListener("unhandledrejection", (event) => {
  unhandledRejections++;
  event.preventDefault();
});

function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)),
        ms,
      );
    }),
  ]).finally(() => clearTimeout(timer));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function readLine(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<string> {
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await within(reader.read(), 10_000, "a line");
    if (done) throw new Error(`the stream ended before a full line: ${JSON.stringify(text)}`);
    text += decoder.decode(value, { stream: true });
  }
  return text;
}

async function readAll(readable: ReadableStream<Uint8Array>): Promise<string> {
  let text = "";
  for await (const chunk of readable as unknown as AsyncIterable<Uint8Array>) {
    text += decoder.decode(chunk, { stream: true });
  }
  return text;
}

async function write(socket: Socket, text: string): Promise<void> {
  const writer = socket.writable.getWriter();
  await writer.write(text);
  writer.releaseLock();
}

/** Connects to the STARTTLS server, reads the greeting and gets the go-ahead; the reader stays locked. */
async function goAhead(
  options: Parameters<typeof connect>[1] = {},
): Promise<{ socket: Socket; reader: ReadableStreamDefaultReader<Uint8Array> }> {
  const socket = connect(`127.0.0.1:${config.ports.starttls}`, {
    secureTransport: "starttls",
    tls: trust,
    sni: "localhost",
    ...options,
  });
  const reader = socket.readable.getReader();
  check((await readLine(reader)) === "220 ready\n", "greeting");
  await write(socket, "STARTTLS\n");
  check((await readLine(reader)) === "220 go ahead\n", "go-ahead");
  return { socket, reader };
}

/** Echo over TLS, then our FIN; the reply must still arrive and `closed` resolve. */
async function echoThenFin(secure: Socket, text: string): Promise<void> {
  const writer = secure.writable.getWriter();
  await writer.write(text);
  await writer.close();
  const echoed = await within(readAll(secure.readable), 10_000, "the echo");
  check(echoed === text, `echo over TLS: ${JSON.stringify(echoed)}`);
  await within(secure.closed, 10_000, "closed of the TLS socket");
}

const checks: Record<string, () => Promise<void>> = {
  "startTls() with a consumer read in flight upgrades and echoes over TLS": async () => {
    const { socket, reader } = await goAhead();
    // A read loop always has a read pending; no byte will come to complete it.
    const pending = reader.read();
    await sleep(50);
    const secure = socket.startTls();
    const info = await within(secure.opened, 10_000, "TLS opened");
    check(info.alpn === null, "no ALPN");
    check((await within(pending, 10_000, "the pending read")).done, "the old pending read ends");
    await within(socket.closed, 10_000, "the old closed");
    await echoThenFin(secure, "after a pending read\n");
  },
  "a BYOB read in flight at startTls() never receives the handshake's bytes": async () => {
    const socket = connect(`127.0.0.1:${config.ports.starttls}`, {
      secureTransport: "starttls",
      tls: trust,
      sni: "localhost",
    });
    const reader = socket.readable.getReader({ mode: "byob" });
    let text = "";
    while (!text.includes("\n")) {
      const { value } = await reader.read(new Uint8Array(64));
      text += decoder.decode(value);
    }
    await write(socket, "STARTTLS\n");
    text = "";
    while (!text.includes("\n")) {
      const { value } = await reader.read(new Uint8Array(64));
      text += decoder.decode(value);
    }
    check(text === "220 go ahead\n", `go-ahead: ${JSON.stringify(text)}`);
    const pending = reader.read(new Uint8Array(64 * 1024));
    await sleep(50);
    const secure = socket.startTls();
    await within(secure.opened, 10_000, "TLS opened");
    const { value, done } = await within(pending, 10_000, "the pending read");
    check(done, "the pending BYOB read ends");
    await echoThenFin(secure, "byob\n");
    // The server's handshake bytes went to the TLS engine, not into the buffer handed back.
    const returned = new Uint8Array(value?.buffer ?? new ArrayBuffer(0));
    check(
      returned.byteLength === 64 * 1024,
      `the buffer comes back whole (${returned.byteLength})`,
    );
    check(
      returned.every((byte) => byte === 0),
      "the buffer handed back holds no handshake bytes",
    );
  },
  "a pg-style read loop keeps working across startTls()": async () => {
    const socket = connect(`127.0.0.1:${config.ports.starttls}`, {
      secureTransport: "starttls",
      tls: trust,
      sni: "localhost",
    });
    // node-postgres' pg-cloudflare reads in a loop and calls startTls() from its data handler.
    const lines: string[] = [];
    let wake: (() => void) | null = null;
    const loop = async (s: Socket) => {
      const reader = s.readable.getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        lines.push(decoder.decode(value));
        wake?.();
      }
    };
    const waitFor = async (line: string) => {
      while (!lines.join("").includes(line)) {
        await within(
          new Promise<void>((resolve) => (wake = resolve)),
          10_000,
          JSON.stringify(line),
        );
      }
    };
    const plainLoop = loop(socket);
    await waitFor("220 ready\n");
    await write(socket, "STARTTLS\n");
    await waitFor("220 go ahead\n");
    const secure = socket.startTls();
    await within(plainLoop, 10_000, "the plaintext loop to end");
    lines.length = 0;
    const secureLoop = loop(secure);
    await write(secure, "one\n");
    await waitFor("one\n");
    await write(secure, "two\n");
    await waitFor("two\n");
    await secure.close();
    await within(secureLoop, 10_000, "the TLS loop to end");
  },
  "startTls() with a read in flight still verifies the name (sni mismatch: ERR_TLS_CERT)":
    async () => {
      const { socket, reader } = await goAhead({ sni: "wrong.example" });
      void reader.read();
      await sleep(50);
      const secure = socket.startTls();
      try {
        await within(secure.opened, 10_000, "TLS opened");
      } catch (error) {
        check(isSocketError(error, "ERR_TLS_CERT"), `expected ERR_TLS_CERT, got ${String(error)}`);
        return;
      }
      throw new Error("the upgrade succeeded against a certificate for another name");
    },
  "startTls() with a read in flight refuses an untrusted certificate (no tls.ca: ERR_TLS_CERT)":
    async () => {
      const { socket, reader } = await goAhead({ tls: undefined });
      void reader.read();
      await sleep(50);
      const secure = socket.startTls();
      try {
        await within(secure.opened, 10_000, "TLS opened");
      } catch (error) {
        check(isSocketError(error, "ERR_TLS_CERT"), `expected ERR_TLS_CERT, got ${String(error)}`);
        return;
      }
      throw new Error("the upgrade trusted a certificate from an unknown CA");
    },
  "a client certificate over STARTTLS (Deno.startTls takes none) upgrades and echoes": async () => {
    const { socket } = await goAhead({ tls: { ...trust, ...config.clientCert } });
    const secure = socket.startTls();
    await within(secure.opened, 10_000, "TLS opened");
    await echoThenFin(secure, "with a client certificate\n");
  },
  "mTLS with sni other than the host connected to (127.0.0.1, sni localhost)": async () => {
    const socket = connect(`127.0.0.1:${config.ports.tlsInfo}`, {
      secureTransport: "on",
      sni: "localhost",
      alpn: ["x-sockets-test"],
      tls: { ...trust, ...config.clientCert },
    });
    const info = await within(socket.opened, 10_000, "opened");
    check(info.alpn === "x-sockets-test", `alpn ${info.alpn}`);
    check(
      info.remoteAddress === `127.0.0.1:${config.ports.tlsInfo}`,
      `remoteAddress ${info.remoteAddress}`,
    );
    const line = await within(readAll(socket.readable), 10_000, "the info line");
    check(
      line === "sni=localhost alpn=x-sockets-test client=sockets test client\n",
      `the server saw ${JSON.stringify(line)}`,
    );
  },
  "node:tls path: a 16 MiB echo arrives byte-exact, then the stream ends": async () => {
    const total = 16 * 1024 * 1024;
    const socket = connect(`localhost:${config.ports.tlsEcho}`, {
      secureTransport: "on",
      tls: { ...trust, ...config.clientCert },
    });
    const writer = socket.writable.getWriter();
    const sending = (async () => {
      for (let sent = 0; sent < total; sent += 64 * 1024) {
        const block = new Uint8Array(64 * 1024);
        for (let i = 0; i < block.length; i++) block[i] = (sent + i) % 251;
        await writer.ready;
        void writer.write(block);
      }
      await writer.close();
    })();
    let offset = 0;
    for await (const chunk of socket.readable as unknown as AsyncIterable<Uint8Array>) {
      for (let i = 0; i < chunk.length; i++) {
        if (chunk[i] !== (offset + i) % 251) throw new Error(`byte ${offset + i} differs`);
      }
      offset += chunk.length;
    }
    check(offset === total, `received ${offset} of ${total} bytes`);
    await within(sending, 10_000, "the writes");
    await within(socket.closed, 10_000, "closed");
  },
  "node:tls path: a write queued behind one the peer never takes rejects once close() is called":
    async () => {
      // The echo server pipes: once we stop reading its echo, it stops
      // reading ours, and our writes wait for a 'drain' that, after close(),
      // never comes (core's Transport.write contract: destroy() ends it).
      const socket = connect(`localhost:${config.ports.tlsEcho}`, {
        secureTransport: "on",
        tls: { ...trust, ...config.clientCert },
        highWaterMark: 64 * 1024,
      });
      await within(socket.opened, 10_000, "opened");
      const writer = socket.writable.getWriter();
      const block = new Uint8Array(64 * 1024);
      const limit = 256 * 1024 * 1024;
      let accepted = 0;
      while (accepted < limit) {
        const ready = await Promise.race([
          writer.ready.then(() => true),
          sleep(1000).then(() => false),
        ]);
        if (!ready) break;
        void writer.write(block).catch(() => {});
        accepted += block.length;
      }
      check(accepted < limit, `all ${accepted} bytes were accepted: no backpressure`);
      const queued = writer.write(new Uint8Array(1));
      await within(socket.close(), 10_000, "close()");
      try {
        await within(queued, 10_000, "the write queued before close()");
      } catch (error) {
        check(
          isSocketError(error, "ERR_SOCKET_CLOSED"),
          `expected ERR_SOCKET_CLOSED, got ${String(error)}`,
        );
        return;
      }
      throw new Error("the write queued before close() resolved");
    },
  "close() cancels a node:tls handshake (client certificate) that would never finish": async () => {
    const socket = connect(`127.0.0.1:${config.ports.stall}`, {
      secureTransport: "on",
      tls: { ...trust, ...config.clientCert },
    });
    await sleep(100);
    const closing = socket.close();
    try {
      await within(socket.opened, 10_000, "opened");
      throw new Error("opened resolved against a server that never answers");
    } catch (error) {
      check(
        isSocketError(error, "ERR_SOCKET_CLOSED"),
        `expected ERR_SOCKET_CLOSED, got ${String(error)}`,
      );
    }
    await within(closing, 10_000, "closed");
  },
  "keepAlive with an initial delay is refused with ERR_UNSUPPORTED_OPTION; keepAlive: true works":
    async () => {
      // Thrown by connect() itself, as every other option error is.
      try {
        connect(`127.0.0.1:${config.ports.echo}`, { keepAlive: 30_000 });
        throw new Error("keepAlive: 30000 was accepted, but Deno cannot set the delay");
      } catch (error) {
        check(
          isSocketError(error, "ERR_UNSUPPORTED_OPTION"),
          `expected ERR_UNSUPPORTED_OPTION, got ${String(error)}`,
        );
        check(
          String(error).includes("keepAlive"),
          `the message names the option: ${String(error)}`,
        );
      }
      const socket = connect(`127.0.0.1:${config.ports.echo}`, { keepAlive: true, noDelay: false });
      await write(socket, "kept alive\n");
      check((await readLine(socket.readable.getReader())) === "kept alive\n", "echo");
      await socket.close();
    },
  "default reads: short messages get right-sized chunks, a 16 MiB echo retains at most twice each chunk":
    async () => {
      // read-buffer.ts: a short read is copied out, a read that filled at
      // least half of the buffer hands the buffer over; never more than 64 KiB.
      const socket = connect(`127.0.0.1:${config.ports.echo}`);
      const writer = socket.writable.getWriter();
      const reader = socket.readable.getReader();
      await writer.write(new TextEncoder().encode("hello\n"));
      const first = await within(reader.read(), 10_000, "the echo");
      check(decoder.decode(first.value) === "hello\n", "echo");
      check(
        first.value?.buffer.byteLength === 6,
        `a 6-byte chunk holds ${first.value?.buffer.byteLength} bytes`,
      );
      const total = 16 * 1024 * 1024;
      const sending = (async () => {
        for (let sent = 0; sent < total; sent += 64 * 1024) {
          const block = new Uint8Array(64 * 1024);
          for (let i = 0; i < block.length; i++) block[i] = (sent + i) % 251;
          await writer.ready;
          void writer.write(block);
        }
      })();
      let offset = 0;
      while (offset < total) {
        const { value, done } = await within(reader.read(), 10_000, "the echo");
        if (done) break;
        for (let i = 0; i < value.length; i++) {
          if (value[i] !== (offset + i) % 251) throw new Error(`byte ${offset + i} differs`);
        }
        const held = value.buffer.byteLength;
        check(
          held <= 2 * value.byteLength && held <= 64 * 1024,
          `a ${value.byteLength}-byte chunk holds a ${held}-byte buffer`,
        );
        offset += value.length;
      }
      check(offset === total, `received ${offset} of ${total} bytes`);
      await within(sending, 10_000, "the writes");
      await socket.close();
    },
  "idle STARTTLS-capable sockets waiting in a default read hold their read's size, not 64 KiB each":
    async () => {
      // transport.ts: a "starttls" socket reads through a buffer of its own,
      // sized to the consumer's read (4 KiB for an idle default read) and made
      // by the first read. ArrayBuffer memory is what Deno counts as external.
      const { gc } = globalThis as { gc?: () => void };
      check(gc !== undefined, "run with --v8-flags=--expose-gc: the check needs gc()");
      // Buffers the checks before this one dropped must not be freed inside
      // the measurement, or they would hide what these sockets hold.
      const settled = async () => {
        for (let i = 0; i < 3; i++) {
          gc();
          await sleep(20);
        }
        return Deno.memoryUsage().external;
      };
      const count = 100;
      const before = await settled();
      const sockets = Array.from({ length: count }, () =>
        connect(`127.0.0.1:${config.ports.echo}`, { secureTransport: "starttls" }),
      );
      await within(Promise.all(sockets.map((s) => s.opened)), 10_000, "opened");
      const reads = sockets.map((s) =>
        s.readable
          .getReader()
          .read()
          .catch(() => undefined),
      );
      // Let every read reach conn.read().
      await sleep(100);
      const perSocket = ((await settled()) - before) / count;
      await Promise.all(sockets.map((s) => s.close()));
      await Promise.all(reads);
      check(
        perSocket < 32 * 1024,
        `each idle "starttls" socket holds ${Math.round(perSocket)} bytes of buffers (a fixed 64 KiB read buffer is back?)`,
      );
    },
  "writes that wait on the transport retain nothing once written (50,000 awaited writes)":
    async () => {
      // Every Deno write waits on conn.write. Core once raced each write
      // against a promise that settles only when the socket goes, which kept
      // ~300 bytes per write alive for the socket's whole life.
      const gc = (globalThis as { gc?: () => void }).gc;
      check(gc !== undefined, "gc() is missing: run Deno with --v8-flags=--expose-gc");
      const heap = () => {
        gc();
        gc();
        return Deno.memoryUsage().heapUsed;
      };
      const socket = connect(`127.0.0.1:${config.ports.echo}`);
      const writer = socket.writable.getWriter();
      const reader = socket.readable.getReader();
      const chunk = new Uint8Array(16);
      const warmup = 5_000;
      const measured = 50_000;
      const expected = (warmup + measured) * chunk.byteLength;
      let received = 0;
      const draining = (async () => {
        while (received < expected) {
          const { value, done } = await reader.read();
          if (done) break;
          received += value.byteLength;
        }
      })();
      for (let i = 0; i < warmup; i++) await writer.write(chunk);
      const before = heap();
      for (let i = 0; i < measured; i++) await writer.write(chunk);
      const perWrite = (heap() - before) / measured;
      await within(draining, 30_000, "the echo of every write");
      check(received === expected, `echoed ${received} of ${expected} bytes`);
      check(perWrite < 50, `${perWrite.toFixed(1)} bytes of heap retained per written chunk`);
      await socket.close();
    },
  "close() after a reset, and twice, never throws": async () => {
    const socket = connect(`127.0.0.1:${config.ports.reset}`);
    await write(socket, "x");
    // A pull transport learns of the reset through a read (or a write).
    const read = socket.readable
      .getReader()
      .read()
      .catch(() => {});
    await within(
      socket.closed.catch(() => {}),
      10_000,
      "closed after the reset",
    );
    await read;
    // The socket already failed: close() resolves (closed keeps the failure).
    await within(Promise.all([socket.close(), socket.close()]), 10_000, "close() twice");
  },
  "read-ahead: bytes that came before the readable was made are read first, by default and BYOB readers":
    async () => {
      for (let i = 0; i < 20; i++) {
        const socket = connect(`127.0.0.1:${config.ports.echo}`);
        await write(socket, `early ${i}\n`);
        // Give the echo time to land in the read-ahead (most rounds): the
        // check holds either way, only the path it covers depends on it.
        await sleep(i % 4 === 0 ? 0 : 20);
        const later = `later ${i}\n`;
        let text = "";
        if (i % 2 === 0) {
          const reader = socket.readable.getReader();
          await write(socket, later);
          while (text.length < `early ${i}\n${later}`.length) {
            const { value, done } = await within(reader.read(), 10_000, "a default read");
            check(!done, `round ${i}: ended early after ${JSON.stringify(text)}`);
            text += decoder.decode(value, { stream: true });
          }
        } else {
          // 3-byte BYOB reads: the held chunk is copied out in pieces, in order.
          const reader = socket.readable.getReader({ mode: "byob" });
          await write(socket, later);
          while (text.length < `early ${i}\n${later}`.length) {
            const { value, done } = await within(
              reader.read(new Uint8Array(3)),
              10_000,
              "a BYOB read",
            );
            check(!done && value !== undefined, `round ${i}: ended early`);
            text += decoder.decode(value, { stream: true });
          }
        }
        check(text === `early ${i}\n${later}`, `round ${i}: got ${JSON.stringify(text)}`);
        await within(socket.close(), 10_000, "close()");
      }
    },
  "close() while the read-ahead waits: closed resolves, later reads are done": async () => {
    for (let i = 0; i < 50; i++) {
      const socket = connect(`127.0.0.1:${config.ports.echo}`);
      await within(socket.opened, 10_000, "opened");
      // Deno rejects the pending read (Interrupted or BadResource): it must stay silent.
      await within(socket.close(), 10_000, "close()");
      await within(socket.closed, 10_000, "closed");
      const { done } = await within(socket.readable.getReader().read(), 10_000, "a read after");
      check(done, `round ${i}: a read after close() is done`);
    }
    // Bytes held by the read-ahead are dropped by close(), as queued bytes are.
    const socket = connect(`127.0.0.1:${config.ports.echo}`);
    await write(socket, "dropped\n");
    await sleep(20);
    await within(socket.close(), 10_000, "close() with bytes held");
    const { done } = await within(socket.readable.getReader().read(), 10_000, "a read after");
    check(done, "a read after close() is done, held bytes or not");
  },
  "BYOB reads into a Uint16Array, a DataView and an offset Uint8Array fill the caller's memory in order":
    async () => {
      // The pull read side hands the BYOB request's view (always a Uint8Array
      // over the unfilled part of the caller's buffer) to conn.read as it is:
      // partly filled elements, offsets and other view types must still land
      // where the caller asked, with every byte in order.
      const socket = connect(`127.0.0.1:${config.ports.echo}`);
      const reader = socket.readable.getReader({ mode: "byob" });
      const sent = Uint8Array.from({ length: 257 }, (_, i) => (i * 7 + 3) & 0xff);
      const writer = socket.writable.getWriter();
      await within(writer.write(sent), 10_000, "the write");
      const views = [
        () => new Uint16Array(new ArrayBuffer(16), 2, 3),
        () => new DataView(new ArrayBuffer(10), 3, 5),
        () => new Uint8Array(new ArrayBuffer(11), 5, 4),
      ];
      const got: number[] = [];
      for (let i = 0; got.length < sent.byteLength; i++) {
        const asked = views[i % views.length]!();
        // Read before the read: it transfers the buffer, detaching `asked`.
        const { byteOffset, byteLength } = asked;
        const { value, done } = await within(reader.read(asked), 10_000, "a BYOB read");
        check(!done && value !== undefined, `read ${i}: ended after ${got.length} bytes`);
        check(
          value.constructor === asked.constructor && value.byteOffset === byteOffset,
          `read ${i}: got a ${value.constructor.name} at ${value.byteOffset}, asked a ${asked.constructor.name} at ${byteOffset}`,
        );
        check(value.byteLength > 0 && value.byteLength <= byteLength, `read ${i}: size`);
        if (asked instanceof Uint16Array)
          check(value.byteLength % 2 === 0, `read ${i}: half an element`);
        got.push(...new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
      }
      check(
        got.length === sent.byteLength && got.every((byte, i) => byte === sent[i]),
        "the bytes arrived in order",
      );
      await within(socket.close(), 10_000, "close()");
    },
  "no unhandled rejections": async () => {
    await sleep(200);
    check(unhandledRejections === 0, `${unhandledRejections} unhandled rejections`);
  },
};

for (const [name, run] of Object.entries(checks)) {
  let detail: string | undefined;
  try {
    await within(run(), 30_000, name);
  } catch (error) {
    detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
  console.log(`@@check ${JSON.stringify({ name, ok: detail === undefined, detail })}`);
}
console.log("@@done");
