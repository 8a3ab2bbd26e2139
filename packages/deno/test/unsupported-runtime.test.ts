import { describe, expect, it } from "vitest";
import { packageDir, run } from "./deno-cli.js";

describe("@sockets/deno outside Deno", () => {
  it("refuses to load in plain Node with one ERR_UNSUPPORTED_RUNTIME error that names Deno", async () => {
    // A plain Node process, not vitest's module runner: import the package by its name.
    const script = `
      import("@sockets/deno").then(
        () => console.log(JSON.stringify({ loaded: true })),
        (e) => console.log(JSON.stringify({ name: e.name, code: e.code, message: e.message, isTypeError: e instanceof TypeError })),
      );`;
    const result = await run(process.execPath, ["--input-type=module", "-e", script], {
      cwd: packageDir,
      timeoutMs: 60_000,
    });
    expect(result.code, result.stderr).toBe(0);
    const error = JSON.parse(result.stdout.trim()) as Record<string, unknown>;
    expect(error).toMatchObject({
      name: "SocketError",
      code: "ERR_UNSUPPORTED_RUNTIME",
      isTypeError: true,
    });
    expect(error.message).toMatch(/^SocketError: @sockets\/deno runs on Deno only/);
    expect(error.message).toContain("@sockets/connect");
  });
});
