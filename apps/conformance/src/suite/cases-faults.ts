import type { Socket } from "@sockets/core";
import { STARTTLS_GO_AHEAD, STARTTLS_GREETING } from "../servers/protocol.js";
import { equal, fail, isSocketErrorWith, rejectsCode, throwsCode } from "./assert.js";
import { expectReleased, snapshot } from "./fds.js";
import { defineCases, type SuiteContext } from "./harness.js";
import { control, portOf, readUntil, sleep, within } from "./io.js";

/**
 * Fault injection (issue 9): peers that reset, end or stall at the worst
 * moment, and the user closing or aborting mid-handshake. Each case checks
 * that every promise settles with the right code and that the connection is
 * released (see fds.ts).
 */

const SECRET = "PASSWORD=hunter2\n";

// The checks below read `info.localAddress ?? ""`: SocketInfo.localAddress may
// become optional (a host that cannot tell it, such as workerd).

/** Greeting, then `command`, then (unless the server answers nothing) the go-ahead. */
async function startTlsDance(socket: Socket, command: string): Promise<void> {
  const reader = socket.readable.getReader();
  equal(await readUntil(reader, "\n"), STARTTLS_GREETING, "greeting");
  const writer = socket.writable.getWriter();
  await writer.write(`${command}\n`);
  writer.releaseLock();
  if (command !== "STARTTLS-QUIET") {
    equal(await readUntil(reader, "\n"), STARTTLS_GO_AHEAD, "go-ahead");
  }
  reader.releaseLock();
}

async function echoOverTls(secure: Socket, text: string): Promise<void> {
  const writer = secure.writable.getWriter();
  await writer.write(text);
  writer.releaseLock();
  const reader = secure.readable.getReader();
  equal(await within(readUntil(reader, "\n"), 10_000, "TLS echo"), text, "echo over TLS");
  reader.releaseLock();
}

/** How `promise` settled: null if it was fulfilled, else the reason it rejected with. */
function settled(promise: Promise<unknown>): Promise<{ error: unknown } | null> {
  return promise.then(
    () => null,
    (error: unknown) => ({ error }),
  );
}

type Moment = "same tick" | "microtask" | "macrotask";

async function after(moment: Moment): Promise<void> {
  if (moment === "microtask") await Promise.resolve();
  else if (moment === "macrotask") await sleep(0);
}

/** One STARTTLS upgrade with a write to the old writable at `moment` after startTls() returned. */
async function writeAroundStartTls({ connect, ports, trust }: SuiteContext, moment: Moment) {
  const socket = connect(`localhost:${ports.starttls}`, {
    secureTransport: "starttls",
    tls: trust,
  });
  const info = await socket.opened;
  await startTlsDance(socket, "STARTTLS");
  const writer = socket.writable.getWriter();
  const secure = socket.startTls();
  let write: Promise<void>;
  if (moment === "same tick") write = writer.write(SECRET);
  else {
    await after(moment);
    write = writer.write(SECRET);
  }
  await rejectsCode(
    within(write, 10_000, `the old writer's write (${moment})`),
    "ERR_SOCKET_CLOSED",
    `a write ${moment === "same tick" ? "in the same tick as" : `a ${moment} after`} startTls()`,
  );
  await within(secure.opened, 10_000, `TLS opened (${moment})`);
  await echoOverTls(secure, `after a ${moment} write\n`);
  equal(
    await control(connect, ports.control, `FIRST ${portOf(info.localAddress ?? "")}`),
    "tls",
    `what followed STARTTLS on the wire (${moment})`,
  );
  await secure.close();
}

export const faultCases = defineCases("faults", {
  "a write made after startTls() in the same tick, a microtask or a macrotask later rejects and never goes out in cleartext":
    async (ctx) => {
      for (const moment of ["same tick", "microtask", "macrotask"] as const) {
        await writeAroundStartTls(ctx, moment);
      }
    },
  "writes still queued when startTls() runs are flushed before the handshake; a write after it is rejected and never sent":
    async ({ connect, ports, trust }) => {
      const socket = connect(`localhost:${ports.starttls}`, {
        secureTransport: "starttls",
        tls: trust,
      });
      const info = await socket.opened;
      const reader = socket.readable.getReader();
      equal(await readUntil(reader, "\n"), STARTTLS_GREETING, "greeting");
      reader.releaseLock();
      const writer = socket.writable.getWriter();
      // A 4 MiB line the server ignores fills the socket buffers, so the
      // command is still queued when startTls() runs; the late write comes
      // after both in the same queue and must be refused, not sent.
      const filler = writer.write(`#${"x".repeat(4 * 1024 * 1024)}\n`);
      const command = writer.write("STARTTLS-QUIET\n");
      const secure = socket.startTls();
      const late = writer.write(SECRET);
      await within(filler, 20_000, "the filler queued before startTls()");
      await within(command, 20_000, "the command queued before startTls()");
      await rejectsCode(within(late, 20_000, "late write"), "ERR_SOCKET_CLOSED", "the late write");
      await within(secure.opened, 20_000, "TLS opened");
      await echoOverTls(secure, "inside\n");
      equal(
        await control(connect, ports.control, `FIRST ${portOf(info.localAddress ?? "")}`),
        "tls",
        "what followed STARTTLS on the wire",
      );
      await secure.close();
    },
  "a write made on the TLS socket while its handshake runs reaches only a verified server: refused, it rejects with opened's error and nothing is sent":
    async ({ connect, ports, trust }) => {
      // A backend may hand such a write to its runtime's TLS socket before
      // the handshake is done (to send it with the client's Finished); it
      // must still never reach a server whose certificate fails the check.
      // The server here presents the test CA's certificate for
      // wrong.example: application bytes it gets count as leaked.
      const leakedBefore = Number(await control(connect, ports.control, "LEAKED"));
      const before = await snapshot(connect, ports.control, "starttls");
      const socket = connect(`localhost:${ports.starttls}`, {
        secureTransport: "starttls",
        tls: trust,
      });
      await within(socket.opened, 10_000, "opened");
      await startTlsDance(socket, "STARTTLS-WRONGNAME");
      const secure = socket.startTls();
      const writer = secure.writable.getWriter();
      const write = writer.write(SECRET);
      const opened = await settled(within(secure.opened, 10_000, "TLS opened"));
      const written = await settled(within(write, 10_000, "the write made during the handshake"));
      if (opened === null) fail("opened resolved against a certificate for wrong.example");
      if (written === null) fail("the write made during the handshake was fulfilled");
      // What matters most first: once the server let go of the connection it
      // has read all the client sent, and none of it was application data.
      await expectReleased(connect, ports.control, "starttls", before, "the refused upgrade");
      equal(
        Number(await control(connect, ports.control, "LEAKED")),
        leakedBefore,
        "application bytes the wrong.example server received",
      );
      isSocketErrorWith(
        opened.error,
        "ERR_TLS_CERT",
        "opened against a certificate for wrong.example",
      );
      equal(written.error, opened.error, "the write rejects with opened's own error");
    },
  "a reset mid-download errors reads and closed with ECONNRESET and releases the connection":
    async ({ connect, ports }) => {
      const before = await snapshot(connect, ports.control, "resetMidDownload");
      for (let i = 0; i < 5; i++) {
        const socket = connect(`127.0.0.1:${ports.resetMidDownload}`);
        const writer = socket.writable.getWriter();
        await writer.write("go\n");
        const reader = socket.readable.getReader();
        let error: unknown;
        try {
          for (;;) {
            const { done } = await within(reader.read(), 10_000, "a read");
            if (done) fail(`run ${i}: reads ended cleanly after a reset`);
          }
        } catch (e) {
          error = e;
        }
        isSocketErrorWith(error, "ECONNRESET", `run ${i}: the read`);
        await rejectsCode(
          within(socket.closed, 10_000, "closed"),
          "ECONNRESET",
          `run ${i}: closed`,
        );
      }
      await expectReleased(connect, ports.control, "resetMidDownload", before, "reset downloads");
    },
  "a reset on an idle connection errors a waiting read, a later read and closed with ECONNRESET":
    async ({ connect, ports }) => {
      const before = await snapshot(connect, ports.control, "resetIdle");
      for (let i = 0; i < 10; i++) {
        // The server sends nothing and resets 50 ms after accepting.
        const socket = connect(`127.0.0.1:${ports.resetIdle}`);
        await within(socket.opened, 10_000, "opened");
        const reader = socket.readable.getReader();
        const read = reader.read();
        await rejectsCode(within(read, 10_000, "a waiting read"), "ECONNRESET", `run ${i}: read`);
        await rejectsCode(within(socket.closed, 10_000, "closed"), "ECONNRESET", `run ${i}`);
        await rejectsCode(
          within(reader.read(), 10_000, "a read after the reset"),
          "ECONNRESET",
          `run ${i}: a read after the reset`,
        );
      }
      await expectReleased(connect, ports.control, "resetIdle", before, "idle resets");
    },
  "a reset on an idle connection nobody reads rejects closed with ECONNRESET": async ({
    connect,
    ports,
  }) => {
    const before = await snapshot(connect, ports.control, "resetIdle");
    for (let i = 0; i < 10; i++) {
      const socket = connect(`127.0.0.1:${ports.resetIdle}`);
      await within(socket.opened, 10_000, "opened");
      // Nobody reads: closed alone must tell the reset from a graceful end.
      await rejectsCode(
        within(socket.closed, 10_000, "closed with no read"),
        "ECONNRESET",
        `run ${i}: closed with no read`,
      );
    }
    await expectReleased(connect, ports.control, "resetIdle", before, "idle resets nobody read");
  },
  "a reset on an idle TLS connection errors a waiting read and closed with ECONNRESET": async ({
    connect,
    ports,
    trust,
  }) => {
    const before = await snapshot(connect, ports.control, "resetIdleTls");
    for (let i = 0; i < 10; i++) {
      // The server resets the TCP connection 50 ms after the handshake, without close_notify.
      const socket = connect(`localhost:${ports.resetIdleTls}`, {
        secureTransport: "on",
        tls: trust,
      });
      await within(socket.opened, 10_000, "opened");
      const read = socket.readable.getReader().read();
      await rejectsCode(within(read, 10_000, "a waiting read"), "ECONNRESET", `run ${i}: read`);
      await rejectsCode(within(socket.closed, 10_000, "closed"), "ECONNRESET", `run ${i}`);
    }
    await expectReleased(connect, ports.control, "resetIdleTls", before, "idle TLS resets");
  },
  "a reset mid-upload rejects the write, reads and closed with the same ECONNRESET": async ({
    connect,
    ports,
  }) => {
    const before = await snapshot(connect, ports.control, "reset");
    const chunk = new Uint8Array(64 * 1024).fill(120);
    for (let i = 0; i < 10; i++) {
      const socket = connect(`127.0.0.1:${ports.reset}`);
      const reader = socket.readable.getReader();
      const read = reader.read();
      const writer = socket.writable.getWriter();
      let writeError: unknown;
      try {
        // The server resets on the first byte; 64 MiB is far more than the
        // socket buffers hold, so some write is pending or made after the RST.
        for (let n = 0; n < 1024; n++) await within(writer.write(chunk), 10_000, "a write");
        fail(`run ${i}: 64 MiB were written to a peer that reset the connection`);
      } catch (e) {
        writeError = e;
      }
      isSocketErrorWith(writeError, "ECONNRESET", `run ${i}: the write`);
      await rejectsCode(within(read, 10_000, "the read"), "ECONNRESET", `run ${i}: the read`);
      await rejectsCode(within(socket.closed, 10_000, "closed"), "ECONNRESET", `run ${i}: closed`);
    }
    await expectReleased(connect, ports.control, "reset", before, "reset uploads");
  },
  "a FIN or a reset during the TLS handshake fails opened and closed with ECONNRESET": async ({
    connect,
    ports,
    trust,
  }) => {
    for (const [server, port] of [
      ["finOnData", ports.finOnData],
      ["reset", ports.reset],
    ] as const) {
      const before = await snapshot(connect, ports.control, server);
      const socket = connect(`localhost:${port}`, { secureTransport: "on", tls: trust });
      await rejectsCode(within(socket.opened, 10_000, "opened"), "ECONNRESET", `${server}: opened`);
      await rejectsCode(socket.closed, "ECONNRESET", `${server}: closed`);
      await expectReleased(connect, ports.control, server, before, server);
    }
  },
  "a server that never answers the handshake: connectTimeout fails it with ETIMEDOUT and releases the connection":
    async ({ connect, ports, trust }) => {
      const before = await snapshot(connect, ports.control, "silent");
      const sockets = Array.from({ length: 10 }, () =>
        connect(`localhost:${ports.silent}`, {
          secureTransport: "on",
          tls: trust,
          connectTimeout: 300,
        }),
      );
      for (const [i, socket] of sockets.entries()) {
        await rejectsCode(within(socket.opened, 20_000, "opened"), "ETIMEDOUT", `socket ${i}`);
        await rejectsCode(socket.closed, "ETIMEDOUT", `socket ${i}: closed`);
      }
      await expectReleased(connect, ports.control, "silent", before, "timed-out handshakes");
    },
  "a server that never answers the handshake: close() and abort settle at once and release the connection":
    async ({ connect, ports, trust }) => {
      const before = await snapshot(connect, ports.control, "silent");
      for (let i = 0; i < 10; i++) {
        const controller = new AbortController();
        const socket = connect(`localhost:${ports.silent}`, {
          secureTransport: "on",
          tls: trust,
          signal: controller.signal,
        });
        // Let the TCP connection open and the ClientHello go out.
        await sleep(30);
        if (i % 2 === 0) {
          await within(socket.close(), 10_000, "close()");
          await rejectsCode(socket.opened, "ERR_SOCKET_CLOSED", `run ${i}: opened after close()`);
        } else {
          controller.abort();
          await rejectsCode(within(socket.opened, 10_000, "opened"), "ERR_ABORTED", `run ${i}`);
        }
      }
      await expectReleased(connect, ports.control, "silent", before, "cancelled handshakes");
    },
  "close() and abort during a STARTTLS handshake settle and release the connection": async ({
    connect,
    ports,
    trust,
  }) => {
    const before = await snapshot(connect, ports.control, "starttls");
    for (let i = 0; i < 6; i++) {
      const controller = new AbortController();
      const socket = connect(`localhost:${ports.starttls}`, {
        secureTransport: "starttls",
        tls: trust,
        signal: controller.signal,
      });
      await startTlsDance(socket, "STARTTLS-STALL");
      const secure = socket.startTls();
      await sleep(30);
      if (i % 2 === 0) {
        await within(secure.close(), 10_000, "close()");
        await rejectsCode(secure.opened, "ERR_SOCKET_CLOSED", `run ${i}: opened after close()`);
      } else {
        controller.abort();
        await rejectsCode(within(secure.opened, 10_000, "opened"), "ERR_ABORTED", `run ${i}`);
      }
      await within(socket.closed, 10_000, "the old closed");
    }
    await expectReleased(connect, ports.control, "starttls", before, "cancelled upgrades");
  },
  "a name that does not resolve fails with ENOTFOUND": async ({ connect }) => {
    // .invalid never resolves (RFC 6761 §6.4).
    const socket = connect("no-such-host.invalid:443");
    await rejectsCode(within(socket.opened, 30_000, "opened"), "ENOTFOUND", "opened");
    await rejectsCode(socket.closed, "ENOTFOUND", "closed");
  },
});

/** Sets `Object.prototype[key]` for the duration of `fn` (synchronous), then removes it. */
function polluted<T>(key: string, value: unknown, fn: () => T): T {
  Object.defineProperty(Object.prototype, key, { value, configurable: true, writable: true });
  try {
    return fn();
  } finally {
    delete (Object.prototype as Record<string, unknown>)[key];
  }
}

/** A view of a buffer that is then transferred (detached); the buffer itself if `view` is false. */
function detached(view: boolean): ArrayBuffer | Uint8Array {
  const buffer = new ArrayBuffer(8);
  const bytes = new Uint8Array(buffer);
  structuredClone(buffer, { transfer: [buffer] });
  return view ? bytes : buffer;
}

export const hostileInputCases = defineCases("hostile input", {
  "options are read from own properties only: a polluted Object.prototype cannot pick the name verified or add trust":
    async ({ connect, ports, trust }) => {
      // The certificate is for wrong.example: verifying "localhost" must fail
      // even when Object.prototype.sni says "wrong.example".
      const bySni = polluted("sni", "wrong.example", () =>
        connect(`localhost:${ports.tlsWrongName}`, { secureTransport: "on", tls: trust }),
      );
      await rejectsCode(within(bySni.opened, 10_000, "opened"), "ERR_TLS_CERT", "inherited sni");
      // The untrusted server's CA, offered only through Object.prototype.tls.
      const byTls = polluted("tls", trust, () =>
        connect(`localhost:${ports.tlsEcho}`, { secureTransport: "on" }),
      );
      if (trust !== undefined) {
        await rejectsCode(within(byTls.opened, 10_000, "opened"), "ERR_TLS_CERT", "inherited tls");
      } else {
        await byTls.close(); // The host trusts the test CA by configuration (workerd).
      }
      // An inherited secureTransport must not turn TLS on or off either.
      const plain = polluted("secureTransport", "on", () => connect(`127.0.0.1:${ports.echo}`));
      equal(plain.secureTransport, "off", "inherited secureTransport");
      await plain.close();
    },
  "options and addresses that throw when read are rejected synchronously with a SocketError": ({
    connect,
    ports,
  }) => {
    const throwing = {
      get secureTransport(): never {
        throw new Error("boom");
      },
    };
    throwsCode(() => connect(`127.0.0.1:${ports.echo}`, throwing), "ERR_INVALID_OPTION", "getter");
    const trap = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error("trap");
        },
      },
    );
    throwsCode(() => connect(`127.0.0.1:${ports.echo}`, trap), "ERR_INVALID_OPTION", "Proxy");
    const address = {
      get hostname(): never {
        throw new Error("boom");
      },
      port: ports.echo,
    };
    throwsCode(() => connect(address), "ERR_INVALID_ADDRESS", "address getter");
    throwsCode(
      () => connect(`127.0.0.1:${ports.echo}`, { connectTimeout: 2 ** 31 }),
      "ERR_INVALID_OPTION",
      "a connectTimeout timers cannot honour",
    );
    return Promise.resolve();
  },
  "chunks that are not really bytes, or whose memory is detached, reject with ERR_INVALID_CHUNK":
    async ({ connect, ports }) => {
      const bad: [string, () => unknown][] = [
        ["a detached ArrayBuffer", () => detached(false)],
        ["a view of a detached ArrayBuffer", () => detached(true)],
        [
          "an object given Uint8Array.prototype",
          () => Object.setPrototypeOf({}, Uint8Array.prototype),
        ],
        ["a Proxy around a Uint8Array", () => new Proxy(new Uint8Array(4), {})],
      ];
      for (const [what, make] of bad) {
        const socket = connect(`127.0.0.1:${ports.echo}`);
        await socket.opened;
        const writer = socket.writable.getWriter();
        await rejectsCode(
          within(writer.write(make() as Uint8Array), 10_000, what),
          "ERR_INVALID_CHUNK",
          what,
        );
        await socket.close();
      }
    },
  "a chunk whose buffer is transferred while it waits for the connection is rejected, never reported sent":
    async ({ connect, ports }) => {
      const socket = connect(`127.0.0.1:${ports.echo}`);
      const writer = socket.writable.getWriter();
      const bytes = new Uint8Array(16).fill(65);
      const write = writer.write(bytes);
      structuredClone(bytes.buffer, { transfer: [bytes.buffer] });
      await rejectsCode(within(write, 10_000, "the write"), "ERR_INVALID_CHUNK", "the write");
      await socket.close();
    },
  "an IP literal in sni is what gets verified": async ({ connect, ports, trust }) => {
    // The certificate names localhost, 127.0.0.1 and ::1 only.
    const good = connect(`localhost:${ports.tlsEcho}`, {
      secureTransport: "on",
      sni: "127.0.0.1",
      tls: trust,
    });
    await within(good.opened, 10_000, "opened with sni 127.0.0.1");
    await good.close();
    const other = connect(`localhost:${ports.tlsEcho}`, {
      secureTransport: "on",
      sni: "10.1.2.3",
      tls: trust,
    });
    await rejectsCode(within(other.opened, 10_000, "opened"), "ERR_TLS_CERT", "sni 10.1.2.3");
  },
  "an option the runtime cannot honour throws from connect(), never through opened": async ({
    connect,
    ports,
  }) => {
    let socket: Socket;
    try {
      socket = connect(`127.0.0.1:${ports.echo}`, { keepAlive: 1000 });
    } catch (error) {
      isSocketErrorWith(error, "ERR_UNSUPPORTED_OPTION", "keepAlive: 1000");
      return;
    }
    await within(socket.opened, 10_000, "opened with keepAlive: 1000");
    await socket.close();
  },
  "NODE_TLS_REJECT_UNAUTHORIZED=0 does not turn verification off": async ({
    connect,
    ports,
    trust,
  }) => {
    const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
      ?.env;
    const previous = env?.NODE_TLS_REJECT_UNAUTHORIZED;
    if (env) env.NODE_TLS_REJECT_UNAUTHORIZED = "0";
    try {
      const socket = connect(`localhost:${ports.tlsUntrusted}`, {
        secureTransport: "on",
        tls: trust,
      });
      await rejectsCode(within(socket.opened, 10_000, "opened"), "ERR_TLS_CERT", "untrusted");
      const starttls = connect(`127.0.0.1:${ports.starttls}`, {
        secureTransport: "starttls",
        sni: "wrong.example",
        tls: trust,
      });
      await startTlsDance(starttls, "STARTTLS");
      const secure = starttls.startTls();
      await rejectsCode(within(secure.opened, 10_000, "opened"), "ERR_TLS_CERT", "mismatched");
    } finally {
      if (env) {
        if (previous === undefined) delete env.NODE_TLS_REJECT_UNAUTHORIZED;
        else env.NODE_TLS_REJECT_UNAUTHORIZED = previous;
      }
    }
  },
});
