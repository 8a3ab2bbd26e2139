import type { Serve, ServeOptions, Server, Socket, SocketInfo } from "@sockets/core";
import { STARTTLS_GO_AHEAD, STARTTLS_GREETING } from "../servers/protocol.js";
import { equal, fail, isSocketErrorWith, ok, rejectsCode, throwsCode } from "./assert.js";
import { defineCases, type SuiteContext } from "./harness.js";
import { control, isPending, portOf, readText, readUntil, within, writeText } from "./io.js";

/**
 * serve(): the server side, written once against `serve()` and `connect()` of
 * the runtime under test. Each case starts its own listener on port 0 and
 * closes it, with its connections, when done.
 */

async function listen(ctx: SuiteContext, options: ServeOptions): Promise<Server> {
  const serve: Serve | undefined = ctx.serve;
  if (serve === undefined)
    fail(`${ctx.runtime} has no serve(): its listeners are not opened from JavaScript`);
  // Handlers here fail on purpose (resets, aborts): keep the default hook's logging out of the output.
  const server = serve({ hostname: "127.0.0.1", port: 0, error: () => {}, ...options });
  return within(server.ready, 20_000, "server.ready");
}

/** Reads everything and writes it back, then ends the write side. */
async function echo(socket: Socket): Promise<void> {
  const writer = socket.writable.getWriter();
  for await (const chunk of socket.readable as unknown as AsyncIterable<Uint8Array>) {
    await writer.write(chunk);
  }
  await writer.close();
}

/** A promise with its resolve, for handing results out of a handler. */
function settle<T>(): {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
} {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => {});
  return { promise, resolve, reject };
}

/** Sends `text`, ends our side, and reads the reply to the server's FIN. */
async function exchange(socket: Socket, text: string): Promise<string> {
  const writer = socket.writable.getWriter();
  await writer.write(text);
  await writer.close();
  return readText(socket.readable);
}

export const serverCases = defineCases("server", {
  "echoes bytes; opened reports the peer and local addresses; port 0 is a real port": async (
    ctx,
  ) => {
    const seen = settle<SocketInfo>();
    const server = await listen(ctx, {
      async connect(socket) {
        seen.resolve(await socket.opened);
        await echo(socket);
      },
    });
    try {
      ok(server.port > 0, `server.port is the bound port, got ${server.port}`);
      const client = ctx.connect(`127.0.0.1:${server.port}`);
      const info = await client.opened;
      equal(await exchange(client, "hello server\n"), "hello server\n", "the echo");
      const accepted = await within(seen.promise, 10_000, "the handler's opened");
      equal(accepted.localAddress, `127.0.0.1:${server.port}`, "the handler's localAddress");
      equal(
        portOf(accepted.remoteAddress),
        portOf(info.localAddress ?? ""),
        "the handler's remoteAddress is the client",
      );
      equal(accepted.alpn, null, "no ALPN on plain TCP");
      await within(client.closed, 10_000, "the client's closed");
    } finally {
      await server.close(true);
    }
  },
  "serves many concurrent clients, each on its own socket": async (ctx) => {
    const server = await listen(ctx, { connect: echo });
    try {
      const replies = await Promise.all(
        Array.from({ length: 24 }, async (_, i) => {
          const client = ctx.connect(`127.0.0.1:${server.port}`);
          return exchange(client, `client ${i} `.repeat(100));
        }),
      );
      for (const [i, reply] of replies.entries()) {
        equal(reply, `client ${i} `.repeat(100), `client ${i}'s echo`);
      }
    } finally {
      await server.close(true);
    }
  },
  "half-close: the client's FIN ends the handler's reads and its reply still arrives": async (
    ctx,
  ) => {
    const server = await listen(ctx, {
      allowHalfOpen: true,
      async connect(socket) {
        const got = await readText(socket.readable);
        await writeText(socket, `received ${got.length} bytes\n`);
        await socket.close();
      },
    });
    try {
      const client = ctx.connect(`127.0.0.1:${server.port}`);
      equal(await exchange(client, "abcdef"), "received 6 bytes\n", "the reply after our FIN");
    } finally {
      await server.close(true);
    }
  },
  "a handler that writes and never reads: the client's FIN closes the connection on the server":
    async (ctx) => {
      const handlerClosed: Promise<string>[] = [];
      const server = await listen(ctx, {
        async connect(socket) {
          // A rejection is recorded as the outcome, never left unhandled.
          handlerClosed.push(
            socket.closed.then(
              () => "resolved",
              (error: unknown) => `rejected: ${String(error)}`,
            ),
          );
          await writeText(socket, "hello\n");
          // Never reads: only the server's own read-ahead can see the client's FIN.
        },
      });
      try {
        for (let i = 0; i < 3; i++) {
          const client = ctx.connect(`127.0.0.1:${server.port}`, { allowHalfOpen: true });
          const writer = client.writable.getWriter();
          await writer.close();
          // allowHalfOpen false on the server: our FIN makes it flush and send its own.
          equal(
            await within(readText(client.readable), 10_000, `run ${i}: the greeting, then EOF`),
            "hello\n",
            `run ${i}: the greeting before the server's FIN`,
          );
          await within(client.closed, 10_000, `run ${i}: the client's closed`);
        }
        equal(handlerClosed.length, 3, "connections the handler saw");
        const outcomes = await within(Promise.all(handlerClosed), 10_000, "the handlers' closed");
        equal(outcomes.join(", "), "resolved, resolved, resolved", "the handlers' closed");
        // The server holds no connection any more: a graceful close() settles.
        await within(server.close(), 10_000, "server.close() with every connection released");
      } finally {
        await server.close(true);
      }
    },
  "a reply still being written when the client's FIN arrives reaches it whole, then the server's FIN":
    async (ctx) => {
      const CHUNK = 64 * 1024;
      const CHUNKS = 64;
      const written = settle<string>();
      const server = await listen(ctx, {
        connect(socket) {
          // Every write is queued before the handler returns, so before the
          // server can see the client's FIN: allowHalfOpen false must flush
          // them all, then end, not cut the reply short or reset it.
          const writer = socket.writable.getWriter();
          const chunk = new Uint8Array(CHUNK).fill(0x61);
          const writes: Promise<void>[] = [];
          for (let i = 0; i < CHUNKS; i++) writes.push(writer.write(chunk));
          Promise.all(writes).then(
            () => written.resolve("all written"),
            (error: unknown) => written.resolve(`a write failed: ${String(error)}`),
          );
        },
      });
      try {
        const client = ctx.connect(`127.0.0.1:${server.port}`, { allowHalfOpen: true });
        await client.writable.close();
        let received = 0;
        let wrong = 0;
        const reader = client.readable.getReader();
        const readAll = async () => {
          for (;;) {
            const { done, value } = await reader.read();
            if (done) return;
            received += value.byteLength;
            for (const byte of value) if (byte !== 0x61) wrong++;
          }
        };
        await within(readAll(), 30_000, "the whole reply, then EOF");
        equal(received, CHUNK * CHUNKS, "bytes received before the server's FIN");
        equal(wrong, 0, "bytes that were not the reply's");
        equal(
          await within(written.promise, 10_000, "the handler's writes"),
          "all written",
          "the handler's writes",
        );
        await within(client.closed, 10_000, "the client's closed");
      } finally {
        await server.close(true);
      }
    },
  "half-close: the handler's writer.close() sends FIN while it keeps reading": async (ctx) => {
    const late = settle<string>();
    const server = await listen(ctx, {
      allowHalfOpen: true,
      async connect(socket) {
        const writer = socket.writable.getWriter();
        await writer.write("bye\n");
        await writer.close();
        late.resolve(await readText(socket.readable));
      },
    });
    try {
      const client = ctx.connect(`127.0.0.1:${server.port}`, { allowHalfOpen: true });
      equal(await readText(client.readable), "bye\n", "the server's bytes, then its FIN");
      await writeText(client, "after your FIN\n");
      await client.writable.close();
      equal(
        await within(late.promise, 10_000, "what the handler read"),
        "after your FIN\n",
        "bytes after the server's FIN",
      );
      await within(client.closed, 10_000, "the client's closed");
    } finally {
      await server.close(true);
    }
  },
  "after the client's FIN (allowHalfOpen false), a later write rejects with the error that says the peer ended":
    async (ctx) => {
      const late = settle<unknown>();
      const server = await listen(ctx, {
        async connect(socket) {
          const writer = socket.writable.getWriter();
          await writer.write("+");
          writer.releaseLock();
          // The connection is done (our FIN went out, the transport closed):
          // the writable keeps the first error it was given, the peer's end.
          await socket.closed;
          socket.writable
            .getWriter()
            .write("late")
            .then(
              () => late.resolve("resolved"),
              (error: unknown) => late.resolve(error),
            );
        },
      });
      try {
        const client = ctx.connect(`127.0.0.1:${server.port}`, { allowHalfOpen: true });
        await client.writable.close();
        equal(
          await within(readText(client.readable), 10_000, "the reply"),
          "+",
          "the greeting, then the server's FIN",
        );
        await client.close();
        const error = await within(late.promise, 10_000, "the late write");
        isSocketErrorWith(error, "ERR_SOCKET_CLOSED", "a write after the peer ended");
        ok(
          (error as Error).message.includes("ended the connection"),
          `the writable's error says the peer ended it, got: ${(error as Error).message}`,
        );
      } finally {
        await server.close(true);
      }
    },
  "a client reset errors the handler's reads and rejects closed with ECONNRESET": async (ctx) => {
    const outcome = settle<unknown>();
    const server = await listen(ctx, {
      async connect(socket) {
        const reader = socket.readable.getReader();
        await reader.read();
        await writeText(socket, "answer\n");
        try {
          for (;;) if ((await reader.read()).done) break;
          outcome.resolve(new Error("reads ended without an error"));
        } catch (error) {
          outcome.resolve(error);
        }
        await socket.closed.catch(() => {});
      },
    });
    try {
      equal(
        await control(ctx.connect, ctx.ports.control, `RESET ${server.port}`),
        "OK",
        "the control server reset",
      );
      isSocketErrorWith(
        await within(outcome.promise, 10_000, "the handler's read"),
        "ECONNRESET",
        "the handler's read error",
      );
    } finally {
      await server.close(true);
    }
  },
  "a handler that throws resets its connection, is reported, and the server goes on": async (
    ctx,
  ) => {
    const reported: unknown[] = [];
    let n = 0;
    const server = await listen(ctx, {
      error: (error) => reported.push(error),
      connect(socket) {
        n++;
        if (n === 1) throw new Error("handler bug (sync)");
        if (n === 2) return Promise.reject(new Error("handler bug (async)"));
        return echo(socket);
      },
    });
    try {
      for (const which of ["sync", "async"]) {
        const client = ctx.connect(`127.0.0.1:${server.port}`);
        // The reset may come before the client saw the connection open.
        await rejectsCode(
          client.opened.then(() => readText(client.readable)),
          "ECONNRESET",
          `the ${which} failure's connection is reset`,
        );
      }
      equal(reported.length, 2, "both failures reported to the error hook");
      ok(
        String(reported[0]).includes("sync") && String(reported[1]).includes("async"),
        "the hook gets the handler's own errors",
      );
      const client = ctx.connect(`127.0.0.1:${server.port}`);
      equal(await exchange(client, "still up\n"), "still up\n", "the next connection is served");
    } finally {
      await server.close(true);
    }
  },
  "bad options throw ERR_INVALID_OPTION at once; a port in use rejects ready": async (ctx) => {
    const serve = ctx.serve;
    if (serve === undefined) fail(`${ctx.runtime} has no serve()`);
    throwsCode(
      () => serve({ port: 70000, connect: echo }),
      "ERR_INVALID_OPTION",
      "a port out of range",
    );
    throwsCode(
      () => serve({ secureTransport: "on", connect: echo }),
      "ERR_INVALID_OPTION",
      "TLS without a keypair",
    );
    const first = await listen(ctx, { connect: echo });
    try {
      const second = serve({ hostname: "127.0.0.1", port: first.port, connect: echo });
      await rejectsCode(second.ready, "ERR_CONNECTION_FAILED", "listening on a port in use");
      await within(second.closed, 10_000, "closed of a server that never listened");
    } finally {
      await first.close(true);
    }
  },
  "close() stops accepting and waits for open connections": async (ctx) => {
    const server = await listen(ctx, { allowHalfOpen: true, connect: echo });
    try {
      const client = ctx.connect(`127.0.0.1:${server.port}`);
      await writeText(client, "open\n");
      const reader = client.readable.getReader();
      equal(await readUntil(reader, "\n"), "open\n", "the connection is served");
      const closing = server.close();
      // Refused, or reset where the runtime releases the listening socket a
      // moment after close() (Deno, while its accept() op winds down): either
      // way the connection is never served.
      const late = ctx.connect(`127.0.0.1:${server.port}`).opened.then(
        () => "opened",
        (error: { code?: string }) => error.code ?? "no code",
      );
      const outcome = await late;
      ok(
        outcome === "ECONNREFUSED" || outcome === "ECONNRESET",
        `a new connection after close() is refused, got ${outcome}`,
      );
      ok(await isPending(closing, 100), "close() waits while a connection is open");
      await client.writable.close();
      for (;;) if ((await reader.read()).done) break;
      await within(closing, 10_000, "close() once the last connection ended");
    } finally {
      await server.close(true);
    }
  },
  "close(true) resets the open connections": async (ctx) => {
    const server = await listen(ctx, { connect: echo });
    try {
      const held = ctx.connect(`127.0.0.1:${server.port}`);
      await held.opened;
      await writeText(held, "x");
      await within(server.close(true), 10_000, "close(true) with a connection open");
      await rejectsCode(
        readText(held.readable),
        "ECONNRESET",
        "reads on a connection the server reset",
      );
    } finally {
      await server.close(true);
    }
  },
  "an AbortSignal closes the server and its connections": async (ctx) => {
    const controller = new AbortController();
    const server = await listen(ctx, { signal: controller.signal, connect: echo });
    const client = ctx.connect(`127.0.0.1:${server.port}`);
    await writeText(client, "x");
    const reader = client.readable.getReader();
    await reader.read();
    controller.abort();
    await within(server.closed, 10_000, "closed after abort");
    await rejectsCode(
      (async () => {
        for (;;) if ((await reader.read()).done) return;
      })(),
      "ECONNRESET",
      "reads after the server was aborted",
    );
  },
  "tls on: the handler reads decrypted bytes; opened reports the ALPN both sides chose": async (
    ctx,
  ) => {
    const seen = settle<SocketInfo>();
    const server = await listen(ctx, {
      secureTransport: "on",
      tls: { ...keypair(ctx), alpn: ["x-sockets-test", "http/1.1"] },
      async connect(socket) {
        equal(socket.secureTransport, "on", "the handler's socket secureTransport");
        seen.resolve(await socket.opened);
        await echo(socket);
      },
    });
    try {
      const client = ctx.connect(`127.0.0.1:${server.port}`, {
        secureTransport: "on",
        alpn: ["x-sockets-test"],
        tls: ctx.trust,
      });
      equal((await client.opened).alpn, "x-sockets-test", "the client's alpn");
      equal(await exchange(client, "secret\n"), "secret\n", "the echo over TLS");
      equal((await seen.promise).alpn, "x-sockets-test", "the handler's alpn");
    } finally {
      await server.close(true);
    }
  },
  "starttls: the handler's startTls() serves the handshake in the middle of a line protocol":
    async (ctx) => {
      const states = settle<string>();
      const server = await listen(ctx, {
        secureTransport: "starttls",
        tls: keypair(ctx),
        async connect(socket) {
          equal(socket.secureTransport, "starttls", "the handler's socket secureTransport");
          await writeText(socket, STARTTLS_GREETING);
          const reader = socket.readable.getReader();
          const line = await readUntil(reader, "\n");
          reader.releaseLock();
          if (line !== "STARTTLS\n")
            throw new Error(`expected STARTTLS, got ${JSON.stringify(line)}`);
          await writeText(socket, STARTTLS_GO_AHEAD);
          const secure = socket.startTls();
          await secure.opened;
          states.resolve(`${socket.upgraded} ${secure.secureTransport}`);
          await echo(secure);
        },
      });
      try {
        const client = ctx.connect(`127.0.0.1:${server.port}`, {
          secureTransport: "starttls",
          tls: ctx.trust,
        });
        const reader = client.readable.getReader();
        equal(await readUntil(reader, "\n"), STARTTLS_GREETING, "the greeting");
        await writeText(client, "STARTTLS\n");
        equal(await readUntil(reader, "\n"), STARTTLS_GO_AHEAD, "the go-ahead");
        reader.releaseLock();
        const secure = client.startTls();
        await secure.opened;
        equal(await exchange(secure, "over tls\n"), "over tls\n", "the echo after the upgrade");
        equal(
          await states.promise,
          "true on",
          "the handler's socket was upgraded to an 'on' socket",
        );
      } finally {
        await server.close(true);
      }
    },
  "mtls: a client certificate from the CA is accepted": async (ctx) => {
    const server = await listen(ctx, {
      secureTransport: "on",
      tls: { ...keypair(ctx), ca: caOf(ctx), requestCert: true },
      connect: echo,
    });
    try {
      const client = ctx.connect(`127.0.0.1:${server.port}`, {
        secureTransport: "on",
        tls: { ...ctx.trust, ...ctx.clientCert },
      });
      equal(await exchange(client, "with a certificate\n"), "with a certificate\n", "the echo");
    } finally {
      await server.close(true);
    }
  },
  "mtls: a client without a certificate is refused and the handler never runs": async (ctx) => {
    const reported: unknown[] = [];
    let handled = 0;
    const server = await listen(ctx, {
      secureTransport: "on",
      tls: { ...keypair(ctx), ca: caOf(ctx), requestCert: true },
      error: (error) => reported.push(error),
      connect(socket) {
        handled++;
        return echo(socket);
      },
    });
    try {
      const client = ctx.connect(`127.0.0.1:${server.port}`, {
        secureTransport: "on",
        tls: ctx.trust,
      });
      // TLS 1.3 finishes the client's handshake before the server checks its
      // certificate, so the refusal shows up on opened or on the first read.
      const refused = await (async () => {
        try {
          await client.opened;
          await writeText(client, "no certificate\n");
          const text = await readText(client.readable);
          return text === "" ? "ended" : `got ${JSON.stringify(text)}`;
        } catch {
          return "refused";
        }
      })();
      ok(
        refused === "refused" || refused === "ended",
        `the client without a certificate was served: ${refused}`,
      );
      await client.close().catch(() => {});
      equal(handled, 0, "the handler never ran");
      for (let i = 0; i < 100 && reported.length === 0; i++)
        await new Promise((r) => setTimeout(r, 50));
      ok(reported.length > 0, "the refused handshake is reported to the error hook");
    } finally {
      await server.close(true);
    }
  },
});

function keypair(ctx: SuiteContext): { cert: string; key: string } {
  if (ctx.serverKeypair === undefined) fail("the runner passed no server keypair");
  return ctx.serverKeypair;
}

function caOf(ctx: SuiteContext): string {
  if (ctx.ca === undefined) fail("the runner passed no CA");
  return ctx.ca;
}
