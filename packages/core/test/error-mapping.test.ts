import { describe, expect, it } from "vitest";
import { codeOf, toSocketError } from "../src/error-mapping.js";
import { isSocketError, SocketError } from "../src/errors.js";

describe("error mapping", () => {
  it.each([
    [{ code: "ECONNREFUSED" }, "ECONNREFUSED"],
    [{ code: "EPIPE" }, "ECONNRESET"],
    [{ code: "UNABLE_TO_VERIFY_LEAF_SIGNATURE" }, "ERR_TLS_CERT"],
    [{ code: "ERR_TLS_CERT_ALTNAME_INVALID" }, "ERR_TLS_CERT"],
    [{ code: "ERR_SSL_WRONG_VERSION_NUMBER" }, "ERR_TLS_HANDSHAKE"],
    [{ name: "ConnectionRefused", message: "refused" }, "ECONNREFUSED"],
    [{ name: "InvalidData", message: "invalid peer certificate: UnknownIssuer" }, "ERR_TLS_CERT"],
    [{ name: "NotCapable", message: "Requires net access" }, "ERR_PERMISSION_DENIED"],
    [{ message: "something else" }, null],
  ])("maps %j to %s", (error, code) => {
    expect(codeOf(error)).toBe(code);
  });

  it("wraps with the address, a hint and the cause, and leaves SocketErrors alone", () => {
    const cause = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    const wrapped = toSocketError(cause, "127.0.0.1:1", "connect");
    expect(wrapped).toBeInstanceOf(TypeError);
    expect(wrapped.code).toBe("ECONNREFUSED");
    expect(wrapped.cause).toBe(cause);
    expect(wrapped.message).toMatch(
      /^SocketError: connecting to 127\.0\.0\.1:1 failed \(ECONNREFUSED\)/,
    );
    expect(toSocketError(wrapped, "x:1", "io")).toBe(wrapped);
    expect(toSocketError(new Error("?"), "x:1", "tls").code).toBe("ERR_TLS_HANDSHAKE");
  });

  it("isSocketError matches by shape and code, not by class identity", () => {
    const foreign = Object.assign(new TypeError("SocketError: x"), {
      name: "SocketError",
      code: "ECONNRESET",
    });
    expect(isSocketError(foreign)).toBe(true);
    expect(isSocketError(foreign, "ECONNRESET")).toBe(true);
    expect(isSocketError(foreign, "ECONNREFUSED")).toBe(false);
    expect(isSocketError(new Error("x"))).toBe(false);
    expect(new SocketError("ERR_INVALID_STATE", "already prefixed").message).toBe(
      "SocketError: already prefixed",
    );
  });
});
