/**
 * Runs inside workerd (`workerd test`, started by ../workerd.test.ts): what
 * @sockets/workers adds to or changes in cloudflare:sockets, beyond the shared
 * conformance suite. Prints one `@@result` line per check, as the suite does.
 */
import type { ServerPorts } from "@sockets/conformance/servers";
import { connect, type Socket, type SocketOptions } from "../../src/index.js";

interface Check {
  name: string;
  run(ports: ServerPorts): Promise<void>;
}

class CheckFailed extends Error {
  override name = "CheckFailed";
}

function assert(value: unknown, message: string): asserts value {
  if (!value) throw new CheckFailed(message);
}

function codeOf(error: unknown): string | undefined {
  return (error as { code?: string } | null)?.code;
}

function throwsCode(fn: () => unknown, code: string, what: string): Error {
  try {
    fn();
  } catch (error) {
    assert(codeOf(error) === code, `${what}: expected ${code}, got ${String(error)}`);
    assert(error instanceof TypeError, `${what}: not a TypeError`);
    return error as Error;
  }
  throw new CheckFailed(`${what}: nothing was thrown`);
}

async function rejectsCode(promise: Promise<unknown>, code: string, what: string): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    assert(codeOf(error) === code, `${what}: expected ${code}, got ${String(error)}`);
    return error as Error;
  }
  throw new CheckFailed(`${what}: resolved`);
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new CheckFailed(`${what}: still pending after ${ms} ms`)),
        ms,
      );
    }),
  ]).finally(() => clearTimeout(timer));
}

const decoder = new TextDecoder();
async function readLine(socket: Socket): Promise<string> {
  const reader = socket.readable.getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value);
  }
  reader.releaseLock();
  return text;
}

async function writeLine(socket: Socket, text: string): Promise<void> {
  const writer = socket.writable.getWriter();
  await writer.write(text);
  writer.releaseLock();
}

/** Application bytes that reached the TLS servers a client must refuse (the control server's LEAKED). */
async function leakedBytes(ports: ServerPorts): Promise<number> {
  const control = connect(`127.0.0.1:${ports.control}`);
  await writeLine(control, "LEAKED\n");
  const line = await readLine(control);
  await control.close();
  const bytes = Number(line.trim());
  assert(line.endsWith("\n") && Number.isInteger(bytes), `LEAKED answered ${JSON.stringify(line)}`);
  return bytes;
}

/**
 * Connects with TLS to a server whose certificate must be refused, with a
 * write queued before the handshake: opened and closed must reject with
 * ERR_CONNECTION_FAILED (workerd's one error for every failed connection:
 * https://developers.cloudflare.com/workers/runtime-apis/tcp-sockets/), and
 * the queued bytes must never reach the server.
 */
async function expectRefusedCertificate(ports: ServerPorts, port: number): Promise<void> {
  const socket = connect(`localhost:${port}`, { secureTransport: "on" });
  const writer = socket.writable.getWriter();
  const queued = writer.write("must not leave in any form\n").then(
    () => "written",
    () => "rejected",
  );
  await rejectsCode(within(socket.opened, 10_000, "opened"), "ERR_CONNECTION_FAILED", "opened");
  await rejectsCode(within(socket.closed, 10_000, "closed"), "ERR_CONNECTION_FAILED", "closed");
  assert(
    (await within(queued, 10_000, "the queued write")) === "rejected",
    "the queued write rejects",
  );
  const leaked = await leakedBytes(ports);
  assert(
    leaked === 0,
    `${leaked} application bytes reached a server whose certificate must be refused`,
  );
}

const PEM = "-----BEGIN CERTIFICATE-----\nMA==\n-----END CERTIFICATE-----\n";
const UNSUPPORTED: [string, SocketOptions, RegExp][] = [
  ["sni", { secureTransport: "on", sni: "localhost" }, /\bsni\b/],
  ["alpn", { secureTransport: "on", alpn: ["h2"] }, /\balpn\b/],
  ["tls.ca", { secureTransport: "on", tls: { ca: PEM } }, /tls\.ca.*trustedCertificates/],
  ["tls.cert and tls.key", { secureTransport: "on", tls: { cert: PEM, key: PEM } }, /tls\.cert/],
  ["keepAlive: true", { keepAlive: true }, /keepAlive/],
  ["keepAlive: 1000", { keepAlive: 1000 }, /keepAlive/],
  ["noDelay: false", { noDelay: false }, /noDelay/],
];

const checks: Check[] = [
  {
    name: "options workerd cannot honour are refused synchronously with ERR_UNSUPPORTED_OPTION",
    async run(ports) {
      for (const [what, options, mentions] of UNSUPPORTED) {
        const error = throwsCode(
          () => connect(`127.0.0.1:${ports.echo}`, options),
          "ERR_UNSUPPORTED_OPTION",
          what,
        );
        assert(mentions.test(error.message), `${what}: message ${error.message}`);
        assert(/Cloudflare Workers/.test(error.message), `${what}: names the platform`);
      }
    },
  },
  {
    name: "options workerd can honour are accepted: noDelay true, highWaterMark, allowHalfOpen, connectTimeout, signal",
    async run(ports) {
      const socket = connect(`127.0.0.1:${ports.echo}`, {
        noDelay: true,
        highWaterMark: 1024,
        allowHalfOpen: true,
        connectTimeout: 20_000,
        signal: new AbortController().signal,
      });
      await within(socket.opened, 10_000, "opened");
      await writeLine(socket, "ok\n");
      assert((await readLine(socket)) === "ok\n", "echo");
      await within(socket.close(), 10_000, "close()");
    },
  },
  {
    name: "invalid input gets core's synchronous errors",
    async run() {
      throwsCode(() => connect("localhost"), "ERR_INVALID_ADDRESS", "no port");
      throwsCode(
        () => connect("localhost:1", { sni: "x" }),
        "ERR_INVALID_OPTION",
        "sni without TLS",
      );
    },
  },
  {
    name: "opened reports remoteAddress as given, no localAddress and alpn null",
    async run(ports) {
      const socket = connect({ hostname: "::1", port: ports.echo6 });
      const info = await within(socket.opened, 10_000, "opened");
      assert(info.remoteAddress === `[::1]:${ports.echo6}`, `remoteAddress ${info.remoteAddress}`);
      assert(!("localAddress" in info), `localAddress ${JSON.stringify(info.localAddress)}`);
      assert(info.alpn === null, `alpn ${String(info.alpn)}`);
      await socket.close();
    },
  },
  {
    name: "close() during a TLS handshake that never finishes rejects opened with ERR_SOCKET_CLOSED and resolves closed within 5 s",
    async run(ports) {
      const socket = connect(`127.0.0.1:${ports.stall}`, { secureTransport: "on" });
      const closing = socket.close();
      assert(closing === socket.closed, "close() returns closed");
      await rejectsCode(within(socket.opened, 5_000, "opened"), "ERR_SOCKET_CLOSED", "opened");
      await within(closing, 5_000, "closed");
      // workerd itself would have waited about 21 s (cloudflare/workerd#2060).
    },
  },
  {
    name: "a failed connection rejects opened and closed with one ERR_CONNECTION_FAILED that keeps workerd's error as cause",
    async run(ports) {
      const socket = connect(`127.0.0.1:${ports.refused}`);
      const opened = await rejectsCode(
        within(socket.opened, 10_000, "opened"),
        "ERR_CONNECTION_FAILED",
        "opened",
      );
      const closed = await rejectsCode(socket.closed, "ERR_CONNECTION_FAILED", "closed");
      assert(opened === closed, "the same error");
      assert(opened.message.startsWith("SocketError: "), opened.message);
      assert(opened.message.includes(`127.0.0.1:${ports.refused}`), "names the address");
      const cause = (opened as { cause?: unknown }).cause;
      assert(
        cause instanceof Error && cause.message.includes("proxy request failed"),
        `cause ${String(cause)}`,
      );
    },
  },
  {
    name: "an already-aborted signal makes no connection: opened rejects with ERR_ABORTED, reads end, writes reject",
    async run(ports) {
      const reason = new Error("stop");
      const socket = connect(`127.0.0.1:${ports.echo}`, { signal: AbortSignal.abort(reason) });
      const error = await rejectsCode(socket.opened, "ERR_ABORTED", "opened");
      assert((error as { cause?: unknown }).cause === reason, "cause is the signal's reason");
      await rejectsCode(socket.closed, "ERR_ABORTED", "closed");
      assert((await socket.readable.getReader().read()).done, "reads end");
      let rejected = false;
      await socket.writable
        .getWriter()
        .write("x")
        .catch(() => {
          rejected = true;
        });
      assert(rejected, "writes reject");
    },
  },
  {
    name: "startTls() refuses while the old reader is locked (workerd would never finish), then upgrades once released",
    async run(ports) {
      const socket = connect(`localhost:${ports.starttls}`, { secureTransport: "starttls" });
      assert((await readLine(socket)).startsWith("220"), "greeting");
      await writeLine(socket, "STARTTLS\n");
      const reader = socket.readable.getReader();
      const { value } = await reader.read();
      assert(decoder.decode(value).startsWith("220 go ahead"), "go-ahead");
      throwsCode(() => socket.startTls(), "ERR_INVALID_STATE", "with a locked reader");
      assert(socket.upgraded === false, "a refused startTls() does not count");
      reader.releaseLock();
      const secure = socket.startTls();
      assert(socket.upgraded, "upgraded is true as soon as startTls() runs");
      assert(secure.secureTransport === "on", "the new socket is TLS");
      await within(secure.opened, 10_000, "TLS opened");
      await within(socket.closed, 10_000, "the old closed");
      await writeLine(secure, "sealed\n");
      assert((await readLine(secure)) === "sealed\n", "echo over TLS");
      await secure.close();
    },
  },
  {
    name: "a failed startTls() handshake rejects the new socket's opened and closed with ERR_TLS_HANDSHAKE",
    async run(ports) {
      // The echo server answers the ClientHello with itself: no TLS server there.
      const socket = connect(`127.0.0.1:${ports.echo}`, { secureTransport: "starttls" });
      await within(socket.opened, 10_000, "opened");
      const secure = socket.startTls();
      const error = await rejectsCode(
        within(secure.opened, 10_000, "TLS opened"),
        "ERR_TLS_HANDSHAKE",
        "opened",
      );
      assert(error.message.includes(`127.0.0.1:${ports.echo}`), error.message);
      await rejectsCode(within(secure.closed, 10_000, "closed"), "ERR_TLS_HANDSHAKE", "closed");
    },
  },
  {
    name: "an untrusted certificate fails opened and closed with ERR_CONNECTION_FAILED and sends no application data",
    async run(ports) {
      await expectRefusedCertificate(ports, ports.tlsUntrusted);
    },
  },
  {
    name: "a certificate for another name fails opened and closed with ERR_CONNECTION_FAILED and sends no application data",
    async run(ports) {
      await expectRefusedCertificate(ports, ports.tlsWrongName);
    },
  },
  {
    name: "startTls() to a server whose certificate names another host fails the new socket and sends no application data",
    async run(ports) {
      const socket = connect(`localhost:${ports.starttls}`, { secureTransport: "starttls" });
      assert((await readLine(socket)).startsWith("220"), "greeting");
      await writeLine(socket, "STARTTLS-WRONGNAME\n");
      assert((await readLine(socket)).startsWith("220 go ahead"), "go-ahead");
      const secure = socket.startTls();
      const writer = secure.writable.getWriter();
      const queued = writer.write("must not leave in any form\n").then(
        () => "written",
        () => "rejected",
      );
      await rejectsCode(
        within(secure.opened, 10_000, "TLS opened"),
        "ERR_TLS_HANDSHAKE",
        "TLS opened",
      );
      await rejectsCode(
        within(secure.closed, 10_000, "TLS closed"),
        "ERR_TLS_HANDSHAKE",
        "TLS closed",
      );
      assert(
        (await within(queued, 10_000, "the queued write")) === "rejected",
        "the queued write rejects",
      );
      const leaked = await leakedBytes(ports);
      assert(
        leaked === 0,
        `${leaked} application bytes reached a server whose certificate must be refused`,
      );
    },
  },
  {
    name: "close() after the peer ended resolves even when workerd rejects its closed (cloudflare/workerd#6479)",
    async run(ports) {
      const socket = connect(`127.0.0.1:${ports.sendThenFin}`);
      const reader = socket.readable.getReader();
      while (!(await reader.read()).done) {}
      await within(socket.close(), 10_000, "close()");
    },
  },
];

export default {
  async test(_controller: unknown, env: { SOCKETS_CONFORMANCE_CONFIG: string }) {
    const { ports } = JSON.parse(env.SOCKETS_CONFORMANCE_CONFIG) as { ports: ServerPorts };
    for (const check of checks) {
      const started = Date.now();
      let detail: string | undefined;
      try {
        await within(check.run(ports), 30_000, check.name);
      } catch (error) {
        detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      }
      const status = detail === undefined ? "pass" : "fail";
      const ms = Date.now() - started;
      console.log(`@@result ${JSON.stringify({ name: check.name, status, detail, ms })}`);
    }
    console.log(`@@done ${JSON.stringify({ count: checks.length })}`);
  },
};
