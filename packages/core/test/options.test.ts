import { describe, expect, it } from "vitest";
import { DEFAULT_HIGH_WATER_MARK, resolveOptions, tlsSettings } from "../src/options.js";

const PEM = "-----BEGIN CERTIFICATE-----\nMII=\n-----END CERTIFICATE-----\n";

describe("resolveOptions", () => {
  it("applies the spec's defaults", () => {
    expect(resolveOptions(undefined)).toMatchObject({
      secureTransport: "off",
      allowHalfOpen: false,
      alpn: [],
      ca: [],
      highWaterMark: DEFAULT_HIGH_WATER_MARK,
      noDelay: true,
      keepAlive: false,
    });
  });

  it("resolves no options to the same settings as an empty object", () => {
    for (const none of [undefined, null]) {
      expect(resolveOptions(none as unknown as undefined)).toStrictEqual({ ...resolveOptions({}) });
    }
  });

  it("accepts TLS settings only with TLS, and builds the handshake settings", () => {
    const options = resolveOptions({
      secureTransport: "starttls",
      sni: "db.example",
      alpn: ["h2"],
      tls: { ca: PEM },
    });
    expect(tlsSettings(options, "10.0.0.1")).toEqual({
      serverName: "db.example",
      alpn: ["h2"],
      ca: [PEM],
      cert: undefined,
      key: undefined,
    });
    expect(tlsSettings(resolveOptions({ secureTransport: "on" }), "localhost").serverName).toBe(
      "localhost",
    );
  });

  it("turns keepAlive into an initial delay", () => {
    expect(resolveOptions({ keepAlive: true }).keepAlive).toBe(0);
    expect(resolveOptions({ keepAlive: 15_000 }).keepAlive).toBe(15_000);
  });

  it.each([
    [{ secureTransport: "tls" }, /secureTransport/],
    [{ alpn: ["h2"] }, /TLS only/],
    [{ secureTransport: "on", alpn: ["x".repeat(256)] }, /255 bytes/],
    [{ secureTransport: "on", tls: { cert: PEM } }, /go together/],
    [{ secureTransport: "on", tls: { rejectUnauthorized: false } }, /cannot be turned off/],
    [{ connectTimeout: 0 }, /positive/],
    [{ keepAlive: "yes" }, /keepAlive/],
    [{ allowHalfopen: true }, /Unknown option "allowHalfopen"/],
  ])("rejects %j", (options, message) => {
    expect(() => resolveOptions(options as never)).toThrow(message);
  });
});
