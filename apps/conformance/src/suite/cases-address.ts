import type { AnySocketAddress, SocketOptions } from "@sockets/core";
import { equal, ok, throwsCode } from "./assert.js";
import { defineCases } from "./harness.js";
import { portOf, readUntil, within, writeText } from "./io.js";

const BAD_ADDRESSES: [string, unknown][] = [
  ["empty string", ""],
  ["no port", "localhost"],
  ["empty port", "localhost:"],
  ["no hostname", ":5432"],
  ["port not a number", "localhost:http"],
  ["port above 65535", "localhost:65536"],
  ["port 0", "localhost:0"],
  ["a path", "localhost:80/path"],
  ["a scheme", "tcp://localhost:80"],
  ["a space", "local host:80"],
  ["bare IPv6 in a string", "::1:5432"],
  ["bracketed IPv6 without port", "[::1]"],
  ["unclosed bracket", "[::1:5432"],
  ["brackets around a name", "[localhost]:80"],
  ["invalid IPv6", "[1:2:3:4:5:6:7:8:9]:80"],
  ["overlong address", `${"a".repeat(260)}:80`],
  ["overlong label", `${"a".repeat(64)}.example:80`],
  ["object without hostname", { port: 80 }],
  ["object with empty hostname", { hostname: "", port: 80 }],
  ["object without port", { hostname: "localhost" }],
  ["object with fractional port", { hostname: "localhost", port: 80.5 }],
  ["object with negative port", { hostname: "localhost", port: -1 }],
  ["object with port 65536", { hostname: "localhost", port: 65536 }],
  ["object with NaN port", { hostname: "localhost", port: Number.NaN }],
  ["object with port 0", { hostname: "localhost", port: 0 }],
  ["object with a bad hostname", { hostname: "bad host", port: 80 }],
  ["null", null],
  ["a number", 5432],
];

const BAD_OPTIONS: [string, unknown][] = [
  ["unknown secureTransport", { secureTransport: "yes" }],
  ["non-boolean allowHalfOpen", { allowHalfOpen: "true" }],
  ["sni without TLS", { sni: "localhost" }],
  ["alpn without TLS", { alpn: ["h2"] }],
  ["alpn not an array", { secureTransport: "on", alpn: "h2" }],
  ["empty alpn protocol", { secureTransport: "on", alpn: [""] }],
  ["sni not a hostname", { secureTransport: "on", sni: "bad name" }],
  ["tls without TLS", { tls: { ca: "-----BEGIN CERTIFICATE-----" } }],
  ["tls.ca not PEM", { secureTransport: "on", tls: { ca: "/etc/ssl/ca.pem" } }],
  [
    "tls.cert without tls.key",
    { secureTransport: "on", tls: { cert: "-----BEGIN CERTIFICATE-----" } },
  ],
  ["unknown tls option", { secureTransport: "on", tls: { rejectUnauthorized: false } }],
  ["negative connectTimeout", { connectTimeout: -1 }],
  ["signal not an AbortSignal", { signal: {} }],
  ["negative highWaterMark", { highWaterMark: -1 }],
  ["a misspelt option", { secureTransprt: "on" }],
  ["options not an object", "on"],
];

export const addressCases = defineCases("connect", {
  "returns a Socket synchronously with stable stream and promise objects": async ({
    connect,
    ports,
  }) => {
    const socket = connect(`127.0.0.1:${ports.echo}`);
    ok(!(socket instanceof Promise), "connect() must not return a Promise");
    equal(socket.readable, socket.readable, "readable identity");
    equal(socket.writable, socket.writable, "writable identity");
    equal(socket.opened, socket.opened, "opened identity");
    equal(socket.closed, socket.closed, "closed identity");
    ok(socket.readable instanceof ReadableStream, "readable is a ReadableStream");
    ok(socket.writable instanceof WritableStream, "writable is a WritableStream");
    equal(socket.upgraded, false, "upgraded");
    equal(socket.secureTransport, "off", "secureTransport");
    await socket.opened;
    await socket.close();
  },
  "accepts host:port, { hostname, port } and localhost": async ({ connect, ports }) => {
    const forms: AnySocketAddress[] = [
      `127.0.0.1:${ports.echo}`,
      { hostname: "127.0.0.1", port: ports.echo },
      `localhost:${ports.echo}`,
    ];
    for (const address of forms) {
      const socket = connect(address);
      await socket.opened;
      await writeText(socket, "ping\n");
      const reader = socket.readable.getReader();
      equal(await readUntil(reader, "\n"), "ping\n", `echo via ${JSON.stringify(address)}`);
      await socket.close();
    }
  },
  "opened reports the IP it connected to as remoteAddress, also for localhost": async ({
    connect,
    ports,
  }) => {
    const socket = connect(`localhost:${ports.echo}`);
    const info = await socket.opened;
    await socket.close();
    ok(
      /^(127\.0\.0\.1|\[::1\]):\d+$/.test(info.remoteAddress),
      `remoteAddress ${info.remoteAddress}`,
    );
  },
  "opened reports our own local address as host:port, on IPv4 and IPv6": async ({
    connect,
    ports,
  }) => {
    ok(ports.echo6 !== 0, "this machine has no ::1 listener (IPv6 loopback missing)");
    for (const [address, pattern] of [
      [`127.0.0.1:${ports.echo}`, /^127\.0\.0\.1:\d+$/],
      [`[::1]:${ports.echo6}`, /^\[::1\]:\d+$/],
    ] as const) {
      const socket = connect(address);
      const info = await socket.opened;
      await socket.close();
      ok(pattern.test(String(info.localAddress)), `localAddress ${info.localAddress}`);
      ok(
        !String(info.localAddress).endsWith(`:${portOf(address)}`),
        "localAddress has our own port",
      );
    }
  },
  "connects to IPv6 loopback as [::1]:port and as a bare hostname": async ({ connect, ports }) => {
    ok(ports.echo6 !== 0, "this machine has no ::1 listener (IPv6 loopback missing)");
    for (const address of [`[::1]:${ports.echo6}`, { hostname: "::1", port: ports.echo6 }]) {
      const socket = connect(address);
      const info = await socket.opened;
      equal(info.remoteAddress, `[::1]:${ports.echo6}`, "remoteAddress");
      await writeText(socket, "six\n");
      equal(await readUntil(socket.readable.getReader(), "\n"), "six\n", "echo over IPv6");
      await socket.close();
    }
  },
  "opened reports localAddress as host:port, or leaves it out, never empty": async ({
    connect,
    ports,
  }) => {
    // The spec and workerd's types make it optional: where a runtime does not
    // report our end (workerd), the field is absent, never "" (issue 11).
    for (const address of [`127.0.0.1:${ports.echo}`, `localhost:${ports.echo}`]) {
      const socket = connect(address);
      const info = await within(socket.opened, 10_000, `opened (${address})`);
      const local: unknown = info.localAddress;
      ok(
        local === undefined || (typeof local === "string" && /^.+:\d+$/.test(local)),
        `localAddress for ${address} is host:port or absent: ${JSON.stringify(local)}`,
      );
      await socket.close();
    }
  },
  "rejects each malformed address synchronously with ERR_INVALID_ADDRESS": async ({ connect }) => {
    for (const [what, address] of BAD_ADDRESSES) {
      throwsCode(() => connect(address as AnySocketAddress), "ERR_INVALID_ADDRESS", what);
    }
  },
  "rejects each invalid option synchronously with ERR_INVALID_OPTION": async ({
    connect,
    ports,
  }) => {
    for (const [what, options] of BAD_OPTIONS) {
      throwsCode(
        () => connect(`127.0.0.1:${ports.echo}`, options as SocketOptions),
        "ERR_INVALID_OPTION",
        what,
      );
    }
  },
  "names the problem in the error message": async ({ connect }) => {
    const noPort = throwsCode(() => connect("db.internal"), "ERR_INVALID_ADDRESS", "no port");
    ok(/port/i.test(noPort.message), `message should mention the port: ${noPort.message}`);
    const v6 = throwsCode(() => connect("::1:5432"), "ERR_INVALID_ADDRESS", "bare IPv6");
    ok(/bracket/i.test(v6.message), `message should mention brackets: ${v6.message}`);
    const mode = throwsCode(
      () => connect("localhost:1", { secureTransport: "yes" as "on" }),
      "ERR_INVALID_OPTION",
      "bad mode",
    );
    ok(mode.message.includes("secureTransport"), `message should name the option: ${mode.message}`);
  },
});
