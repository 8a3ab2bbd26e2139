import type { Socket } from "@sockets/core";
import { STARTTLS_GO_AHEAD, STARTTLS_GREETING } from "../servers/protocol.js";
import { equal, ok, rejectsCode, throwsCode } from "./assert.js";
import { defineCases } from "./harness.js";
import { readText, readUntil, within, writeText } from "./io.js";

async function echoOnce(socket: Socket, text: string): Promise<string> {
  await writeText(socket, text);
  const reader = socket.readable.getReader();
  try {
    return await readUntil(reader, "\n");
  } finally {
    reader.releaseLock();
  }
}

export const tlsCases = defineCases("tls", {
  "secureTransport on: opened resolves after a verified handshake, and data echoes through the TLS server":
    async ({ connect, ports, trust }) => {
      const socket = connect(`localhost:${ports.tlsEcho}`, { secureTransport: "on", tls: trust });
      equal(socket.secureTransport, "on", "secureTransport");
      const info = await socket.opened;
      equal(info.alpn, null, "no ALPN offered, none chosen");
      equal(await echoOnce(socket, "secret\n"), "secret\n", "echo over TLS");
      await socket.close();
    },
  "an IP address is verified against the certificate's IP SANs": async ({
    connect,
    ports,
    trust,
  }) => {
    const socket = connect(`127.0.0.1:${ports.tlsEcho}`, { secureTransport: "on", tls: trust });
    equal((await socket.opened).remoteAddress, `127.0.0.1:${ports.tlsEcho}`, "remoteAddress");
    equal(await echoOnce(socket, "by ip\n"), "by ip\n", "echo");
    await socket.close();
  },
  "alpn offers protocols and opened reports the server's choice": async ({
    connect,
    ports,
    trust,
  }) => {
    const socket = connect(`localhost:${ports.tlsInfo}`, {
      secureTransport: "on",
      alpn: ["x-sockets-test"],
      tls: trust,
    });
    equal((await socket.opened).alpn, "x-sockets-test", "SocketInfo.alpn");
    ok(
      (await readText(socket.readable)).includes("alpn=x-sockets-test"),
      "the server saw the protocol",
    );
  },
  "sni sets the server name sent and verified": async ({ connect, ports, trust }) => {
    const socket = connect(`127.0.0.1:${ports.tlsInfo}`, {
      secureTransport: "on",
      sni: "localhost",
      tls: trust,
    });
    await socket.opened;
    const line = await readText(socket.readable);
    ok(line.startsWith("sni=localhost "), `the server saw SNI localhost: ${line}`);
  },
  "a hostname is sent as SNI by default": async ({ connect, ports, trust }) => {
    const socket = connect(`localhost:${ports.tlsInfo}`, { secureTransport: "on", tls: trust });
    const line = await readText(socket.readable);
    ok(line.startsWith("sni=localhost "), `the server saw SNI localhost: ${line}`);
  },
  "tls.cert and tls.key present a client certificate (mTLS)": async ({
    connect,
    ports,
    trust,
    clientCert,
  }) => {
    const socket = connect(`localhost:${ports.tlsInfo}`, {
      secureTransport: "on",
      tls: { ...trust, cert: clientCert.cert, key: clientCert.key },
    });
    const line = await readText(socket.readable);
    ok(line.includes("client=sockets test client"), `the server saw our certificate: ${line}`);
  },
  "an untrusted certificate fails opened and closed with ERR_TLS_CERT": async ({
    connect,
    ports,
    trust,
  }) => {
    const socket = connect(`localhost:${ports.tlsUntrusted}`, {
      secureTransport: "on",
      tls: trust,
    });
    await rejectsCode(within(socket.opened, 10_000, "opened"), "ERR_TLS_CERT", "opened");
    await rejectsCode(socket.closed, "ERR_TLS_CERT", "closed");
  },
  "a certificate for another name fails with ERR_TLS_CERT": async ({ connect, ports, trust }) => {
    const socket = connect(`localhost:${ports.tlsWrongName}`, {
      secureTransport: "on",
      tls: trust,
    });
    await rejectsCode(within(socket.opened, 10_000, "opened"), "ERR_TLS_CERT", "opened");
  },
});

async function plaintextGreeting(socket: Socket): Promise<void> {
  const reader = socket.readable.getReader();
  equal(await readUntil(reader, "\n"), STARTTLS_GREETING, "greeting");
  reader.releaseLock();
}

/** The plaintext part of the STARTTLS dance: greeting, command, go-ahead. */
async function negotiateStartTls(socket: Socket): Promise<void> {
  await plaintextGreeting(socket);
  await writeText(socket, "STARTTLS\n");
  const reader = socket.readable.getReader();
  equal(await readUntil(reader, "\n"), STARTTLS_GO_AHEAD, "go-ahead");
  reader.releaseLock();
}

export const startTlsCases = defineCases("startTls", {
  "is refused on a plain socket, on a TLS socket, twice, and after close()": async ({
    connect,
    ports,
    trust,
  }) => {
    const plain = connect(`127.0.0.1:${ports.echo}`);
    throwsCode(() => plain.startTls(), "ERR_INVALID_STATE", "secureTransport off");
    const secure = connect(`localhost:${ports.tlsEcho}`, { secureTransport: "on", tls: trust });
    throwsCode(() => secure.startTls(), "ERR_INVALID_STATE", "secureTransport on");
    const twice = connect(`127.0.0.1:${ports.starttls}`, {
      secureTransport: "starttls",
      tls: trust,
    });
    const upgraded = twice.startTls();
    throwsCode(() => twice.startTls(), "ERR_INVALID_STATE", "a second call");
    throwsCode(() => upgraded.startTls(), "ERR_INVALID_STATE", "on the socket startTls() returned");
    const closed = connect(`127.0.0.1:${ports.starttls}`, { secureTransport: "starttls" });
    await closed.close();
    throwsCode(() => closed.startTls(), "ERR_INVALID_STATE", "after close()");
    await Promise.all([plain.close(), secure.close(), upgraded.close()]);
  },
  "upgrades the connection: new TLS socket, old streams detached, old closed resolved": async ({
    connect,
    ports,
    trust,
  }) => {
    const socket = connect(`localhost:${ports.starttls}`, {
      secureTransport: "starttls",
      tls: trust,
    });
    equal(socket.secureTransport, "starttls", "secureTransport before");
    const plainInfo = await socket.opened;
    await plaintextGreeting(socket);
    const writer = socket.writable.getWriter();
    await writer.write("STARTTLS\n");
    const reader = socket.readable.getReader();
    equal(await readUntil(reader, "\n"), STARTTLS_GO_AHEAD, "go-ahead");
    const secure = socket.startTls();
    equal(socket.upgraded, true, "old socket upgraded");
    equal(secure.upgraded, false, "new socket upgraded");
    equal(secure.secureTransport, "on", "new socket secureTransport");
    const info = await within(secure.opened, 10_000, "TLS opened");
    equal(info.remoteAddress, plainInfo.remoteAddress, "same remote address");
    equal(info.localAddress, plainInfo.localAddress, "same connection");
    await within(socket.closed, 10_000, "old closed");
    equal((await reader.read()).done, true, "the old reader is detached");
    await rejectsCode(writer.write("plain"), "ERR_SOCKET_CLOSED", "the old writer is detached");
    equal(
      await echoOnce(secure, "inside tls\n"),
      "inside tls\n",
      "echo over the upgraded connection",
    );
    await secure.close();
  },
  "writes queued before startTls() are flushed before the handshake": async ({
    connect,
    ports,
    trust,
  }) => {
    const socket = connect(`127.0.0.1:${ports.starttls}`, {
      secureTransport: "starttls",
      tls: trust,
    });
    await plaintextGreeting(socket);
    const writer = socket.writable.getWriter();
    // Not awaited: a 4 MiB line the server ignores fills the socket buffers, so
    // the command is still queued in the writable when startTls() runs. Both
    // must reach the server, in order, before the handshake starts.
    void writer.write(`#${"x".repeat(4 * 1024 * 1024)}\n`);
    void writer.write("STARTTLS-");
    void writer.write("QUIET\n");
    const secure = socket.startTls();
    await within(secure.opened, 10_000, "TLS opened");
    equal(
      await echoOnce(secure, "after quiet upgrade\n"),
      "after quiet upgrade\n",
      "echo over TLS",
    );
    await secure.close();
  },
  "the old closed resolves only after the new socket is writable": async ({
    connect,
    ports,
    trust,
  }) => {
    const socket = connect(`127.0.0.1:${ports.starttls}`, {
      secureTransport: "starttls",
      tls: trust,
    });
    await negotiateStartTls(socket);
    const order: string[] = [];
    const secure = socket.startTls();
    // Listen on the old closed first: if it were already resolved, its
    // callback would run before the writer's, whatever the registration order.
    void socket.closed.then(() => order.push("old closed"));
    const writer = secure.writable.getWriter();
    void writer.ready.then(() => order.push("new writer ready"));
    await within(socket.closed, 10_000, "old closed");
    await within(secure.opened, 10_000, "new opened");
    equal(order.join(", "), "new writer ready, old closed", "order");
    writer.releaseLock();
    await secure.close();
  },
  "expectedServerHostname is the name the upgraded connection verifies": async ({
    connect,
    ports,
    trust,
  }) => {
    // The certificate is valid for 127.0.0.1, the connect address: only the
    // option can make this handshake fail.
    const socket = connect(`127.0.0.1:${ports.starttls}`, {
      secureTransport: "starttls",
      tls: trust,
    });
    await negotiateStartTls(socket);
    const secure = socket.startTls({ expectedServerHostname: "wrong.example" });
    await rejectsCode(
      within(secure.opened, 10_000, "opened"),
      "ERR_TLS_CERT",
      "opened after an upgrade that expects wrong.example",
    );
  },
  "an invalid expectedServerHostname throws ERR_INVALID_OPTION and leaves the socket to upgrade":
    async ({ connect, ports, trust }) => {
      const socket = connect(`127.0.0.1:${ports.starttls}`, {
        secureTransport: "starttls",
        tls: trust,
      });
      await negotiateStartTls(socket);
      for (const bad of ["not a host name", 42, { toString: () => "localhost" }]) {
        throwsCode(
          () => socket.startTls({ expectedServerHostname: bad as string }),
          "ERR_INVALID_OPTION",
          `expectedServerHostname ${String(bad)}`,
        );
      }
      equal(socket.upgraded, false, "a refused startTls() does not upgrade");
      const secure = socket.startTls({ expectedServerHostname: "localhost" });
      await within(secure.opened, 10_000, "opened, verified against localhost");
      await writeText(secure, "after\n");
      equal(await readUntil(secure.readable.getReader(), "\n"), "after\n", "echo over TLS");
      await secure.close();
    },
  "the upgraded connection verifies the certificate against sni": async ({
    connect,
    ports,
    trust,
  }) => {
    const socket = connect(`127.0.0.1:${ports.starttls}`, {
      secureTransport: "starttls",
      sni: "wrong.example",
      tls: trust,
    });
    await negotiateStartTls(socket);
    const secure = socket.startTls();
    await rejectsCode(
      within(secure.opened, 10_000, "opened"),
      "ERR_TLS_CERT",
      "opened after a mismatched upgrade",
    );
  },
});

export const loadCases = defineCases("load", {
  "200 concurrent sockets each echo their own message": {
    timeoutMs: 120_000,
    async run({ connect, ports }) {
      const count = 200;
      const results = await Promise.all(
        Array.from({ length: count }, async (_, i) => {
          const socket = connect(`127.0.0.1:${ports.echo}`);
          const writer = socket.writable.getWriter();
          await writer.write(`socket ${i}\n`);
          await writer.close();
          return readText(socket.readable);
        }),
      );
      for (const [i, text] of results.entries()) equal(text, `socket ${i}\n`, `socket ${i}`);
    },
  },
  "200 concurrent TLS sockets each echo their own message": {
    timeoutMs: 120_000,
    async run({ connect, ports, trust }) {
      const results = await Promise.all(
        Array.from({ length: 200 }, async (_, i) => {
          const socket = connect(`localhost:${ports.tlsEcho}`, {
            secureTransport: "on",
            tls: trust,
          });
          const writer = socket.writable.getWriter();
          await writer.write(`tls ${i}\n`);
          await writer.close();
          return readText(socket.readable);
        }),
      );
      for (const [i, text] of results.entries()) equal(text, `tls ${i}\n`, `socket ${i}`);
    },
  },
});
