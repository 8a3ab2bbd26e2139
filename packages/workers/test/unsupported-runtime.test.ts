import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const packageDir = fileURLToPath(new URL("..", import.meta.url));

it("importing @sockets/workers in Node fails at once with ERR_UNSUPPORTED_RUNTIME, naming workerd", async () => {
  // A plain Node process importing the built package by its name, as a user
  // would: its "node" export condition selects the entry that refuses.
  const script = `import("@sockets/workers").then(
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
  expect(result.message).toMatch(
    /^SocketError: @sockets\/workers runs only on Cloudflare Workers \(workerd\)/,
  );
  expect(result.message).toContain("Node.js");
  expect(result.message).toContain("@sockets/connect/node");
});
