import { describe, expect, it } from "vitest";
import { isHostname, isIPv4, isIPv6, parseAddress } from "../src/address.js";

describe("parseAddress", () => {
  it.each([
    ["localhost:5432", "localhost", 5432, "localhost:5432"],
    ["127.0.0.1:1", "127.0.0.1", 1, "127.0.0.1:1"],
    ["[::1]:443", "::1", 443, "[::1]:443"],
    [
      "[2001:db8::ff00:42:8329]:65535",
      "2001:db8::ff00:42:8329",
      65535,
      "[2001:db8::ff00:42:8329]:65535",
    ],
    ["_srv.example.com:80", "_srv.example.com", 80, "_srv.example.com:80"],
    ["example.com.:80", "example.com.", 80, "example.com.:80"],
  ])("parses %s", (input, hostname, port, display) => {
    expect(parseAddress(input)).toEqual({ hostname, port, ipv6: hostname.includes(":"), display });
  });

  it.each([
    [{ hostname: "::1", port: 5432 }, "::1", "[::1]:5432"],
    [{ hostname: "[::1]", port: 5432 }, "::1", "[::1]:5432"],
    [{ hostname: "db", port: "5432" as unknown as number }, "db", "db:5432"],
  ])("parses the object form %j", (input, hostname, display) => {
    const parsed = parseAddress(input);
    expect(parsed.hostname).toBe(hostname);
    expect(parsed.display).toBe(display);
  });

  it("asks for brackets around a bare IPv6 address in a string", () => {
    expect(() => parseAddress("fe80::1:80")).toThrow(/brackets/);
  });

  it("errors are TypeErrors named SocketError with a stable code", () => {
    try {
      parseAddress("localhost");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).name).toBe("SocketError");
      expect((error as { code: string }).code).toBe("ERR_INVALID_ADDRESS");
      expect((error as Error).message).toMatch(/^SocketError: .*missing a port/);
    }
  });
});

describe("isIPv6", () => {
  it.each(["::", "::1", "1::", "1:2:3:4:5:6:7:8", "::ffff:127.0.0.1", "fe80::1"])(
    "accepts %s",
    (text) => {
      expect(isIPv6(text)).toBe(true);
    },
  );
  it.each([
    "1:2:3:4:5:6:7:8:9",
    "1::2::3",
    "12345::",
    "::g",
    "1:2:3:4:5:6:7",
    "::1%eth0",
    "::256.0.0.1",
  ])("rejects %s", (text) => {
    expect(isIPv6(text)).toBe(false);
  });
});

describe("isHostname", () => {
  const label63 = "a".repeat(63);
  it.each([
    "localhost",
    "127.0.0.1",
    "db-1.internal",
    "_srv._tcp.example.com",
    "example.com.",
    "a.",
    label63,
    `${label63}.${label63}.${label63}.${"a".repeat(61)}`, // 253 characters
  ])("accepts %s", (name) => {
    expect(isHostname(name)).toBe(true);
  });
  it.each([
    "",
    ".",
    "a..b",
    ".a",
    "-a",
    "a-",
    "a.-b",
    "a b",
    "a/b",
    `${label63}a`,
    `${label63}.${label63}.${label63}.${"a".repeat(63)}`, // 255 characters
  ])("rejects %j", (name) => {
    expect(isHostname(name)).toBe(false);
  });
});

describe("isIPv4", () => {
  // Core reports such an address as the peer without asking the runtime, so
  // only the form getpeername would print back may pass.
  it.each(["127.0.0.1", "0.0.0.0", "255.255.255.255", "10.1.20.254"])("accepts %s", (text) => {
    expect(isIPv4(text)).toBe(true);
  });

  it.each(["127.1", "127.000.0.1", "01.2.3.4", "256.0.0.1", "1.2.3.4.", "localhost", "::1", ""])(
    "rejects %s, which is not in canonical dotted-quad form",
    (text) => {
      expect(isIPv4(text)).toBe(false);
    },
  );
});
