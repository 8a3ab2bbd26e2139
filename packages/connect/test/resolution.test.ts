import { execFile } from "node:child_process";
import { createServer, type Server } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * Runs an ES module snippet in a fresh Node process, resolving packages as a
 * user's Node would. Asynchronous: the echo server lives in this process.
 */
function runNode(
  source: string,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--input-type=module", "-e", source],
      { cwd: packageDir, encoding: "utf8", timeout: 60_000 },
      (error, stdout, stderr) => {
        const status = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ status, stdout, stderr });
      },
    );
  });
}

let server: Server;
let port = 0;

beforeAll(async () => {
  server = createServer((socket) => {
    socket.on("error", () => {});
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  port = typeof address === "object" && address ? address.port : 0;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const echoThroughPackage = (specifier: string) => `
  import { connect, runtime } from ${JSON.stringify(specifier)};
  const socket = connect("127.0.0.1:${port}");
  const writer = socket.writable.getWriter();
  await writer.write("via " + runtime);
  await writer.close();
  let text = "";
  for await (const chunk of socket.readable) text += new TextDecoder().decode(chunk);
  console.log(text);
`;

describe("@sockets/connect on Node", () => {
  it("resolves to the node backend by its export conditions and talks TCP", async () => {
    const { status, stdout, stderr } = await runNode(echoThroughPackage("@sockets/connect"));
    expect(stderr).toBe("");
    expect(status).toBe(0);
    expect(stdout.trim()).toBe("via node");
  });

  it("offers the node backend under the explicit subpath", async () => {
    const { status, stdout } = await runNode(echoThroughPackage("@sockets/connect/node"));
    expect(status).toBe(0);
    expect(stdout.trim()).toBe("via node");
  });

  it.each([
    ["@sockets/connect/deno", /Deno/],
    ["@sockets/connect/bun", /Bun/],
    ["@sockets/connect/workers", /workerd|Workers/],
  ])("%s refuses to load on Node with one clear message", async (specifier, runtimeName) => {
    const { status, stderr } = await runNode(`
      try { await import(${JSON.stringify(specifier)}); console.log("loaded"); }
      catch (e) { console.error(e.code + " " + e.message); process.exit(3); }
    `);
    expect(status).toBe(3);
    expect(stderr).toMatch(runtimeName);
    expect(stderr).toMatch(/@sockets\/connect\/node/);
  });

  it("the default entry for hosts without TCP throws a clear, typed error instead of being empty", async () => {
    const unsupported = (await import(join(packageDir, "dist", "unsupported.js"))) as {
      connect: (address: string) => unknown;
      runtime: string;
    };
    expect(unsupported.runtime).toBe("unsupported");
    expect(() => unsupported.connect("127.0.0.1:1")).toThrow(
      expect.objectContaining({
        name: "SocketError",
        code: "ERR_UNSUPPORTED_RUNTIME",
        message: expect.stringMatching(/Node\.js, Deno, Bun or Cloudflare Workers/),
      }),
    );
  });
});
