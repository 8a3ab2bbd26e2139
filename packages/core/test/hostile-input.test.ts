import { describe, expect, it } from "vitest";
import { parseAddress } from "../src/address.js";
import { chunkSize, toBytes } from "../src/chunk.js";
import { MAX_TIMEOUT_MS, resolveOptions } from "../src/options.js";

const PEM = "-----BEGIN CERTIFICATE-----\nMII=\n-----END CERTIFICATE-----\n";

function withPrototype<T>(key: string, value: unknown, fn: () => T): T {
  Object.defineProperty(Object.prototype, key, { value, configurable: true, writable: true });
  try {
    return fn();
  } finally {
    delete (Object.prototype as Record<string, unknown>)[key];
  }
}

function detachedBuffer(): ArrayBuffer {
  const buffer = new ArrayBuffer(4);
  structuredClone(buffer, { transfer: [buffer] });
  return buffer;
}

describe("options and addresses are read from own properties only (issue 9, defect 3)", () => {
  it("ignores an inherited sni, tls, secureTransport and hostname", () => {
    const options = withPrototype("sni", "evil.example", () =>
      withPrototype("tls", { ca: PEM }, () => resolveOptions({ secureTransport: "on" })),
    );
    expect(options.sni).toBeUndefined();
    expect(options.ca).toEqual([]);
    expect(withPrototype("secureTransport", "on", () => resolveOptions({})).secureTransport).toBe(
      "off",
    );
    expect(() =>
      withPrototype("hostname", "evil.example", () => parseAddress({ port: 1 } as never)),
    ).toThrow(expect.objectContaining({ code: "ERR_INVALID_ADDRESS" }));
  });

  it("reads an address object's hostname and port as own enumerable properties", () => {
    const hidden = Object.defineProperty({ port: 1 }, "hostname", {
      value: "example.com",
      enumerable: false,
    });
    expect(() => parseAddress(hidden as never)).toThrow(
      expect.objectContaining({ code: "ERR_INVALID_ADDRESS" }),
    );
    const throwing = Object.defineProperty({ hostname: "example.com" }, "port", {
      enumerable: true,
      get() {
        throw new Error("boom");
      },
    });
    expect(() => parseAddress(throwing as never)).toThrow(
      expect.objectContaining({ code: "ERR_INVALID_ADDRESS" }),
    );
    const viaGetter = Object.defineProperty({ port: 5432 }, "hostname", {
      enumerable: true,
      get: () => "db.example",
    });
    expect(parseAddress(viaGetter as never)).toMatchObject({ hostname: "db.example", port: 5432 });
    const bare = Object.assign(Object.create(null), { hostname: "127.0.0.1", port: "80" });
    expect(parseAddress(bare)).toMatchObject({ hostname: "127.0.0.1", port: 80 });
  });

  it("does not fill holes in alpn or tls.ca from the prototype", () => {
    // A hole, made without a sparse-array literal.
    const alpn: string[] = [];
    alpn[1] = "h2";
    expect(() =>
      withPrototype("0", "x", () => resolveOptions({ secureTransport: "on", alpn })),
    ).toThrow(expect.objectContaining({ code: "ERR_INVALID_OPTION" }));
  });

  it("turns options and addresses that throw when read into SocketErrors", () => {
    const getter = Object.defineProperty({}, "sni", {
      enumerable: true,
      get() {
        throw new Error("boom");
      },
    });
    expect(() => resolveOptions(getter)).toThrow(
      expect.objectContaining({ code: "ERR_INVALID_OPTION" }),
    );
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(() => resolveOptions(proxy)).toThrow(
      expect.objectContaining({ code: "ERR_INVALID_OPTION" }),
    );
    expect(() => parseAddress(proxy as never)).toThrow(
      expect.objectContaining({ code: "ERR_INVALID_ADDRESS" }),
    );
  });
});

describe("connectTimeout (issue 9, defect 5)", () => {
  it("accepts the longest delay timers honour and refuses more", () => {
    expect(resolveOptions({ connectTimeout: MAX_TIMEOUT_MS }).connectTimeout).toBe(MAX_TIMEOUT_MS);
    expect(() => resolveOptions({ connectTimeout: MAX_TIMEOUT_MS + 1 })).toThrow(
      expect.objectContaining({ code: "ERR_INVALID_OPTION" }),
    );
  });
});

describe("chunks (issue 9, defect 7)", () => {
  it("keeps real bytes and refuses fakes, Proxies and detached memory with ERR_INVALID_CHUNK", () => {
    const bytes = new Uint8Array([1, 2, 3]);
    expect(toBytes(bytes)).toBe(bytes);
    expect(toBytes(new DataView(new ArrayBuffer(8), 2, 3)).byteLength).toBe(3);
    expect(toBytes(new Uint16Array(4)).byteLength).toBe(8);
    for (const bad of [
      detachedBuffer(),
      Object.setPrototypeOf({}, Uint8Array.prototype),
      new Proxy(new Uint8Array(4), {}),
      new Proxy(new ArrayBuffer(4), {}),
    ]) {
      expect(() => toBytes(bad)).toThrow(expect.objectContaining({ code: "ERR_INVALID_CHUNK" }));
    }
    const view = new Uint8Array(new ArrayBuffer(4));
    structuredClone(view.buffer, { transfer: [view.buffer] });
    expect(() => toBytes(view)).toThrow(expect.objectContaining({ code: "ERR_INVALID_CHUNK" }));
    expect(chunkSize(new Proxy(new Uint8Array(4), {}))).toBe(0);
  });
});
