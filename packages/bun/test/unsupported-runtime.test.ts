import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const packageDir = fileURLToPath(new URL("..", import.meta.url));

it("importing @sockets/bun in Node fails at once with ERR_UNSUPPORTED_RUNTIME, naming Bun", async () => {
  // A plain Node process (not vitest's module runner), importing the built
  // package by its name as a user would.
  const script = `import("@sockets/bun").then(
    () => console.log(JSON.stringify({ loaded: true })),
    (e) => console.log(JSON.stringify({ name: e.name, code: e.code, message: e.message, isTypeError: e instanceof TypeError })),
  );`;
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(
      process.execPath,
      ["--input-type=module", "--eval", script],
      { cwd: packageDir, timeout: 30_000 },
      (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)),
    );
  });
  const result = JSON.parse(stdout.trim()) as Record<string, unknown>;
  expect(result).toMatchObject({
    name: "SocketError",
    code: "ERR_UNSUPPORTED_RUNTIME",
    isTypeError: true,
  });
  expect(result.message).toMatch(/^SocketError: @sockets\/bun runs only on Bun\b/);
  expect(result.message).toContain("Bun.connect");
});
