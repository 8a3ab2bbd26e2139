import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, connect as netConnect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { workerdBinary, workerdCompatibilityDate } from "@sockets/conformance/binaries";
import { createTestPki, type TestPki } from "@sockets/conformance/servers/certs";
import { lineHandler } from "@sockets/conformance/servers/line-handler";
import { STARTTLS_GO_AHEAD, STARTTLS_GREETING } from "@sockets/conformance/servers/protocol";
import { bundleWorker } from "@sockets/conformance/workerd";
import { type Connect, connect, serve } from "@sockets/connect";
import { workerdServeConfig } from "@sockets/workers/config";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { conversePlain, converseStartTls } from "./fixtures/cross/conversation.js";
import { bundleFor, bundlePath, commandFor } from "./fixtures/runtime-script.js";

/**
 * Every runtime's @sockets/connect as a client against the same handler
 * served on every runtime: serve() on Node, Deno and Bun, and workerd's
 * config listener (plain only: its STARTTLS listener is a known gap, see
 * workerd-server.test.ts). Clients: Node, Deno and Bun (a workerd client runs
 * the whole conformance suite elsewhere; it is not repeated here).
 */

type Ports = { plain: number; starttls: number };

const here = fileURLToPath(new URL(".", import.meta.url));
const appDir = fileURLToPath(new URL("..", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "sockets-cross-"));
const children: ChildProcess[] = [];
const servers: Record<string, Ports> = {};
let pki: TestPki;
let closeNode: (() => Promise<void>) | undefined;

/** One self-contained script per runtime: @sockets/connect bundled with that runtime's condition. */
function bundle(entry: string, runtime: "deno" | "bun"): string {
  const source = join(here, "fixtures", "cross", `${entry}.ts`);
  return bundleFor(runtime, source, bundlePath(dir, entry, runtime), appDir);
}

/** Starts a child, resolves with the JSON after `prefix` on its stdout; bounded, killed by PID in afterAll. */
function runFor<T>(
  cmd: string,
  args: string[],
  env: Record<string, string>,
  prefix: string,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: dir,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    let out = "";
    let err = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${cmd} printed no ${prefix} in 60 s: ${err}`));
    }, 60_000);
    child.stderr?.on("data", (chunk: Buffer) => (err += chunk.toString()));
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = new RegExp(`${prefix} (.*)\\n`).exec(out);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(JSON.parse(match[1]) as T);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${cmd} exited (${code}) before ${prefix}: ${err.slice(-800)}`));
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() =>
        resolve(typeof address === "object" && address !== null ? address.port : 0),
      );
    });
  });
}

async function startWorkerd(): Promise<number> {
  bundleWorker({
    entry: join(here, "fixtures", "line-server.worker.ts"),
    outfile: join(dir, "line.worker.js"),
    absWorkingDir: appDir,
  });
  const port = await freePort();
  writeFileSync(
    join(dir, "cross.capnp"),
    workerdServeConfig({
      worker: "line.worker.js",
      port,
      compatibilityDate: workerdCompatibilityDate(),
    }),
  );
  const child = spawn(workerdBinary(), ["serve", "cross.capnp"], { cwd: dir, stdio: "ignore" });
  children.push(child);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const probe = netConnect({ host: "127.0.0.1", port }, () => {
        probe.destroy();
        resolve(true);
      });
      probe.once("error", () => resolve(false));
    });
    if (up) return port;
    if (Date.now() > deadline || child.exitCode !== null) throw new Error("workerd did not listen");
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  pki = await createTestPki();
  const tlsEnv = { CROSS_CERT: pki.server.cert, CROSS_KEY: pki.server.key };
  const plain = await serve({ port: 0, connect: lineHandler.connect }).ready;
  const starttls = await serve({
    port: 0,
    secureTransport: "starttls",
    tls: pki.server,
    connect: lineHandler.connect,
  }).ready;
  closeNode = async () => {
    await Promise.all([plain.close(true), starttls.close(true)]);
  };
  servers.node = { plain: plain.port, starttls: starttls.port };
  for (const runtime of ["deno", "bun"] as const) {
    const [cmd, args] = commandFor(runtime, bundle("serve-line", runtime));
    servers[runtime] = await runFor<Ports>(cmd, args, tlsEnv, "@@ports");
  }
  servers.workerd = { plain: await startWorkerd(), starttls: 0 };
}, 180_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  await closeNode?.();
  rmSync(dir, { recursive: true, force: true });
});

const PLAIN = [STARTTLS_GREETING, "ECHO hello\n", "221 bye\n"];
const STARTTLS = [STARTTLS_GREETING, STARTTLS_GO_AHEAD, "TLS secret\n", "221 bye\n"];

function expected(): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(servers).map(([name, ports]) => [
      name,
      { plain: PLAIN, starttls: ports.starttls === 0 ? null : STARTTLS },
    ]),
  );
}

describe("@sockets/connect on every runtime against serve() on every runtime", () => {
  it("node client", async () => {
    const results: Record<string, unknown> = {};
    for (const [name, ports] of Object.entries(servers)) {
      results[name] = {
        plain: await conversePlain(connect as Connect, ports.plain),
        starttls:
          ports.starttls === 0
            ? null
            : await converseStartTls(connect as Connect, ports.starttls, pki.ca.cert),
      };
    }
    expect(results).toEqual(expected());
  }, 60_000);

  for (const runtime of ["deno", "bun"] as const) {
    it(`${runtime} client`, async () => {
      const [cmd, args] = commandFor(runtime, bundle("client", runtime));
      const results = await runFor<Record<string, unknown>>(
        cmd,
        args,
        { CROSS_TARGETS: JSON.stringify(servers), CROSS_CA: pki.ca.cert },
        "@@results",
      );
      expect(results).toEqual(expected());
    }, 90_000);
  }
});
