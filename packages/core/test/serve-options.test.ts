import { describe, expect, it } from "vitest";
import { resolveServeOptions } from "../src/server-options.js";
import type { ServeOptions } from "../src/server-types.js";

const PEM = "-----BEGIN CERTIFICATE-----\nMII=\n-----END CERTIFICATE-----\n";
const connect = () => {};

function refusal(options: unknown): { code: unknown; message: string } {
  try {
    resolveServeOptions(options as ServeOptions);
  } catch (error) {
    const e = error as { code?: unknown; message: string };
    return { code: e.code, message: e.message };
  }
  throw new Error("the options were accepted");
}

describe("resolveServeOptions", () => {
  it("applies the defaults: loopback, port 0, plain TCP", () => {
    expect(resolveServeOptions({ connect })).toMatchObject({
      hostname: "127.0.0.1",
      port: 0,
      secureTransport: "off",
      tls: null,
      allowHalfOpen: false,
    });
  });

  it("unbrackets an IPv6 hostname and keeps the listener's TLS", () => {
    const resolved = resolveServeOptions({
      hostname: "[::1]",
      port: 5432,
      secureTransport: "starttls",
      tls: { cert: PEM, key: PEM, ca: PEM, requestCert: true, alpn: ["postgresql"] },
      connect,
    });
    expect(resolved.hostname).toBe("::1");
    expect(resolved.tls).toEqual({
      cert: PEM,
      key: PEM,
      ca: [PEM],
      requestCert: true,
      alpn: ["postgresql"],
    });
  });

  it.each([
    ["no options", undefined, /options object with a connect/],
    ["no handler", {}, /connect\(socket\) handler function/],
    [
      "an unknown option (a typo would serve plain text)",
      { connect, secureTransprt: "on" },
      /Unknown serve\(\) option "secureTransprt"/,
    ],
    ["a port out of range", { connect, port: 70000 }, /port must be an integer from 0 to 65535/],
    [
      "a hostname with a path",
      { connect, hostname: "a/b" },
      /hostname must be a hostname or an IP/,
    ],
    ["TLS without a keypair", { connect, secureTransport: "on" }, /needs tls: \{ cert, key \}/],
    [
      "a keypair that is not PEM",
      { connect, secureTransport: "on", tls: { cert: "x", key: PEM } },
      /tls.cert must be a PEM string/,
    ],
    [
      "a keypair on a plain listener",
      { connect, tls: { cert: PEM, key: PEM } },
      /needs secureTransport "on" or "starttls"/,
    ],
    [
      "requestCert without a CA",
      { connect, secureTransport: "on", tls: { cert: PEM, key: PEM, requestCert: true } },
      /requestCert needs tls.ca/,
    ],
    [
      "an option to turn verification off",
      { connect, secureTransport: "on", tls: { cert: PEM, key: PEM, rejectUnauthorized: false } },
      /Unknown serve\(\) TLS option "tls.rejectUnauthorized"/,
    ],
    [
      "an error hook that is not a function",
      { connect, error: "log" },
      /error option must be a function/,
    ],
  ])("refuses %s with ERR_INVALID_OPTION", (_what, options, message) => {
    const { code, message: text } = refusal(options);
    expect(code).toBe("ERR_INVALID_OPTION");
    expect(text).toMatch(message);
  });

  it("reads own properties only: an inherited secureTransport is not taken", () => {
    const inherited = Object.create({ secureTransport: "on" }) as ServeOptions;
    inherited.connect = connect;
    expect(resolveServeOptions(inherited).secureTransport).toBe("off");
  });
});
