import { SEND_THEN_FIN_GREETING } from "../servers/protocol.js";
import { equal, ok, rejects, rejectsCode } from "./assert.js";
import { expectReleased, snapshot } from "./fds.js";
import { defineCases } from "./harness.js";
import { control, isPending, readText, within, writeText } from "./io.js";

/** Reads the greeting of the sendIdThenFin server ("id <n>\n", then EOF) and returns the GOT key. */
async function connectionIdOf(readable: ReadableStream<Uint8Array>): Promise<string> {
  const greeting = await readText(readable);
  const match = /^id (\d+)\n$/.exec(greeting);
  ok(match, `the greeting is "id <n>" then EOF, got ${JSON.stringify(greeting)}`);
  return `id${match[1]}`;
}

export const halfOpenCases = defineCases("half-open", {
  "allowHalfOpen false (default): the peer's FIN ends reads, closes our side, resolves closed":
    async ({ connect, ports }) => {
      const socket = connect(`127.0.0.1:${ports.sendIdThenFin}`);
      await socket.opened;
      const id = await connectionIdOf(socket.readable);
      await within(socket.closed, 10_000, "closed after the peer's FIN");
      const writer = socket.writable.getWriter();
      await rejects(writer.write("too late\n"), "a write after the socket closed");
      equal(
        await control(connect, ports.control, `GOT ${id}`),
        '""',
        "the peer received nothing after its FIN",
      );
    },
  "a socket nobody reads: the peer's FIN resolves closed (allowHalfOpen false)": async ({
    connect,
    ports,
  }) => {
    const before = await snapshot(connect, ports.control, "finOnData");
    for (let i = 0; i < 5; i++) {
      const socket = connect(`127.0.0.1:${ports.finOnData}`);
      // The server answers any byte with its FIN and nothing else.
      await writeText(socket, "end please\n");
      // Nobody touches readable: closed alone must see the FIN, and our FIN must answer it.
      await within(socket.closed, 10_000, "closed with no read");
    }
    await expectReleased(connect, ports.control, "finOnData", before, "FINs nobody read");
  },
  "allowHalfOpen true: after the peer's FIN reads end but writes still reach the peer": async ({
    connect,
    ports,
  }) => {
    const socket = connect(`127.0.0.1:${ports.sendIdThenFin}`, { allowHalfOpen: true });
    await socket.opened;
    const id = await connectionIdOf(socket.readable);
    const writer = socket.writable.getWriter();
    await writer.write("late write\n");
    let got = "null";
    for (let i = 0; i < 50 && got !== '"late write\\n"'; i++) {
      got = await control(connect, ports.control, `GOT ${id}`);
    }
    equal(got, '"late write\\n"', "what the peer received after its FIN");
    await within(socket.close(), 10_000, "close()");
  },
  "allowHalfOpen true: closed waits for our side, and resolves once writer.close() ends it":
    async ({ connect, ports }) => {
      const socket = connect(`127.0.0.1:${ports.sendIdThenFin}`, { allowHalfOpen: true });
      await socket.opened;
      await connectionIdOf(socket.readable);
      const writer = socket.writable.getWriter();
      await writer.write("late write\n");
      ok(await isPending(socket.closed, 100), "closed must wait while our side is open");
      await writer.close();
      await within(socket.closed, 10_000, "closed once both sides are done");
    },
  "writer.close() sends FIN while the readable keeps delivering the reply": async ({
    connect,
    ports,
  }) => {
    const socket = connect(`127.0.0.1:${ports.waitFin}`);
    const writer = socket.writable.getWriter();
    await writer.write("abc");
    await writer.close();
    equal(await readText(socket.readable), "received 3 bytes\n", "reply after our FIN");
    await within(socket.closed, 10_000, "closed once both sides are done");
  },
  "cancelling the readable alone does not resolve closed": async ({ connect, ports }) => {
    const socket = connect(`127.0.0.1:${ports.echo}`, { allowHalfOpen: true });
    await socket.opened;
    await socket.readable.cancel();
    await writeText(socket, "still writable\n");
    ok(await isPending(socket.closed, 100), "closed after readable.cancel()");
    await socket.close();
  },
});

export const closeCases = defineCases("close", {
  "close() returns the closed promise itself, and is idempotent": async ({ connect, ports }) => {
    const socket = connect(`127.0.0.1:${ports.echo}`);
    await socket.opened;
    const first = socket.close();
    equal(first, socket.closed, "close() === closed");
    equal(socket.close(), socket.closed, "second close() === closed");
    await within(first, 10_000, "closed");
  },
  "after close() writes reject and reads are done": async ({ connect, ports }) => {
    const socket = connect(`127.0.0.1:${ports.echo}`);
    await socket.opened;
    const reader = socket.readable.getReader();
    const pendingRead = reader.read();
    await socket.close();
    equal((await within(pendingRead, 10_000, "pending read")).done, true, "a pending read ends");
    equal((await reader.read()).done, true, "a later read is done");
    const writer = socket.writable.getWriter();
    await rejects(writer.write("x"), "a write after close()");
  },
  "close() while connecting rejects opened with ERR_SOCKET_CLOSED and resolves closed": async ({
    connect,
    ports,
  }) => {
    const socket = connect(`127.0.0.1:${ports.echo}`);
    const closing = socket.close();
    await rejectsCode(within(socket.opened, 10_000, "opened"), "ERR_SOCKET_CLOSED", "opened");
    await within(closing, 10_000, "closed");
  },
  "close() cancels a TLS handshake that would never finish": async ({ connect, ports, trust }) => {
    const socket = connect(`127.0.0.1:${ports.stall}`, { secureTransport: "on", tls: trust });
    const closing = socket.close();
    await rejectsCode(within(socket.opened, 10_000, "opened"), "ERR_SOCKET_CLOSED", "opened");
    await within(closing, 10_000, "closed");
  },
  "close() after a failure resolves, and closed keeps the failure": async ({
    connect,
    ports,
    trust,
  }) => {
    // pg-cloudflare's end() waits for close() before it emits "close", and
    // `finally { await socket.close() }` must not re-throw (issue 11).
    const failures = [
      ["a refused connection", connect(`127.0.0.1:${ports.refused}`)],
      [
        "an untrusted certificate",
        connect(`localhost:${ports.tlsUntrusted}`, { secureTransport: "on", tls: trust }),
      ],
      [
        "a certificate for another name",
        connect(`localhost:${ports.tlsWrongName}`, { secureTransport: "on", tls: trust }),
      ],
    ] as const;
    for (const [what, socket] of failures) {
      await rejects(within(socket.opened, 10_000, `opened (${what})`), `opened (${what})`);
      await within(socket.close(), 10_000, `close() after ${what}`);
      await within(socket.close(), 10_000, `a second close() after ${what}`);
      await rejects(socket.closed, `closed (${what})`);
    }
  },
  "closed is one promise, first asked for before or after the socket ended": async ({
    connect,
    ports,
  }) => {
    // Core makes `closed` on first access (apps/bench FINDINGS.md): asked
    // for late, it must still settle as it would have, and stay one object.
    // A failed socket's late `closed` is checked by "a refused connection
    // rejects opened and closed with one SocketError", which asks for it
    // only after `opened` rejected.
    const early = connect(`127.0.0.1:${ports.echo}`);
    const closedEarly = early.closed;
    await early.opened;
    void early.close();
    equal(early.closed, closedEarly, "closed asked for again after close()");
    await within(closedEarly, 10_000, "closed asked for before close()");
    const late = connect(`127.0.0.1:${ports.echo}`);
    await late.opened;
    await within(late.close(), 10_000, "close()");
    const first = late.closed;
    equal(late.closed, first, "closed is the same promise on every access");
    await within(first, 10_000, "closed asked for only after close()");
  },
  "opened and closed never cause an unhandled rejection when ignored": async (ctx) => {
    const before = ctx.unhandledRejections();
    ctx.connect(`127.0.0.1:${ctx.ports.refused}`);
    const observed = ctx.connect(`127.0.0.1:${ctx.ports.refused}`);
    await rejects(within(observed.closed, 10_000, "closed"), "the refused connection");
    const closedEarly = ctx.connect(`127.0.0.1:${ctx.ports.echo}`);
    void closedEarly.close();
    await new Promise((resolve) => setTimeout(resolve, 200));
    equal(ctx.unhandledRejections(), before, "unhandled rejections");
  },
  "closed first read after the socket failed: the failure, one promise, never unhandled": async (
    ctx,
  ) => {
    const before = ctx.unhandledRejections();
    const socket = ctx.connect(`127.0.0.1:${ctx.ports.refused}`);
    const opened = await rejects(within(socket.opened, 10_000, "opened"), "opened");
    // Read only now, once the socket has failed, and left unobserved for a while.
    const closed = socket.closed;
    equal(socket.closed, closed, "closed is the same promise on every access");
    await new Promise((resolve) => setTimeout(resolve, 200));
    equal(ctx.unhandledRejections(), before, "unhandled rejections");
    equal(await rejects(closed, "closed"), opened, "closed rejects with the very error of opened");
  },
});

export const errorCases = defineCases("errors", {
  "a refused connection rejects opened and closed with one SocketError naming the address": async ({
    connect,
    ports,
  }) => {
    const socket = connect(`127.0.0.1:${ports.refused}`);
    const opened = await rejects(within(socket.opened, 10_000, "opened"), "opened");
    ok(opened instanceof TypeError, `opened: expected a TypeError, got ${String(opened)}`);
    equal(opened.name, "SocketError", "opened: error name");
    const closed = await rejects(within(socket.closed, 10_000, "closed"), "closed");
    equal(closed, opened, "closed rejects with the very error of opened");
    ok(
      opened.message.includes(`127.0.0.1:${ports.refused}`),
      `message names the address: ${opened.message}`,
    );
    ok((opened as { cause?: unknown }).cause !== undefined, "cause holds the runtime's error");
  },
  "after a refused connection reads end and writes reject": async ({ connect, ports }) => {
    const socket = connect(`127.0.0.1:${ports.refused}`);
    await rejects(within(socket.opened, 10_000, "opened"), "opened");
    await rejects(within(socket.closed, 10_000, "closed"), "closed");
    const read = await within(socket.readable.getReader().read(), 10_000, "a read");
    equal(read.done, true, "reads end");
    await rejects(socket.writable.getWriter().write("x"), "a write after the failure");
  },
  "a refused connection's error has code ECONNREFUSED": async ({ connect, ports }) => {
    const socket = connect(`127.0.0.1:${ports.refused}`);
    socket.closed.catch(() => {});
    await rejectsCode(within(socket.opened, 10_000, "opened"), "ECONNREFUSED", "opened");
  },
  "a reset by the peer errors a pending read and settles closed": async ({ connect, ports }) => {
    const socket = connect(`127.0.0.1:${ports.reset}`);
    await socket.opened;
    await writeText(socket, "x");
    const reader = socket.readable.getReader();
    await rejects(within(reader.read(), 10_000, "read"), "read after a reset");
    await within(
      socket.closed.catch(() => {}),
      10_000,
      "closed after a reset",
    );
  },
  "a reset by the peer errors reads and rejects closed with ECONNRESET": async ({
    connect,
    ports,
  }) => {
    const socket = connect(`127.0.0.1:${ports.reset}`);
    await socket.opened;
    await writeText(socket, "x");
    const reader = socket.readable.getReader();
    const readError = await rejects(within(reader.read(), 10_000, "read"), "read after a reset");
    equal((readError as { code?: string }).code, "ECONNRESET", "read error code");
    await rejectsCode(within(socket.closed, 10_000, "closed"), "ECONNRESET", "closed");
  },
  "connectTimeout fails a connection that never opens with ETIMEDOUT": async ({
    connect,
    ports,
    trust,
  }) => {
    const socket = connect(`127.0.0.1:${ports.stall}`, {
      secureTransport: "on",
      tls: trust,
      connectTimeout: 300,
    });
    const error = await rejectsCode(within(socket.opened, 20_000, "opened"), "ETIMEDOUT", "opened");
    ok(error.message.includes("300"), `message gives the timeout: ${error.message}`);
    await rejectsCode(socket.closed, "ETIMEDOUT", "closed");
  },
  "an AbortSignal aborts connecting and a live socket": async ({ connect, ports, trust }) => {
    const pending = new AbortController();
    const connecting = connect(`127.0.0.1:${ports.stall}`, {
      secureTransport: "on",
      tls: trust,
      signal: pending.signal,
    });
    pending.abort(new Error("stop"));
    await rejectsCode(
      within(connecting.opened, 10_000, "opened"),
      "ERR_ABORTED",
      "opened while connecting",
    );

    const live = new AbortController();
    const socket = connect(`127.0.0.1:${ports.echo}`, { signal: live.signal });
    await socket.opened;
    const reader = socket.readable.getReader();
    const read = reader.read();
    live.abort();
    await rejectsCode(
      within(socket.closed, 10_000, "closed"),
      "ERR_ABORTED",
      "closed of a live socket",
    );
    await rejects(within(read, 10_000, "read"), "a pending read on an aborted socket");

    const already = AbortSignal.abort();
    const never = connect(`127.0.0.1:${ports.echo}`, { signal: already });
    await rejectsCode(
      within(never.opened, 10_000, "opened"),
      "ERR_ABORTED",
      "an already-aborted signal",
    );
  },
  "reading the peer's reply after it ends is unaffected by a later close()": async ({
    connect,
    ports,
  }) => {
    // workerd #6479: closed must not reject when close() follows the peer's FIN.
    const socket = connect(`127.0.0.1:${ports.sendThenFin}`);
    equal(await readText(socket.readable), SEND_THEN_FIN_GREETING, "greeting");
    await within(socket.close(), 10_000, "close() after EOF");
  },
});
