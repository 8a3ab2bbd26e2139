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
import type { Connect, Server, SocketOptions } from "@sockets/core";
import { connect, serve } from "@sockets/node";
import { type WorkerdServeConfigOptions, workerdServeConfig } from "@sockets/workers/config";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readLine, say } from "./fixtures/cross/conversation.js";

/**
 * One handler, two hosts: the line protocol of src/servers/line-handler.ts as
 * the default export of a Worker that workerd serves from a config built by
 * @sockets/workers' workerdServeConfig(), and the same object given to
 * serve() on Node. Our Node client drives both from outside, in each TLS mode.
 */

const dir = mkdtempSync(join(tmpdir(), "sockets-workerd-server-"));
const children: ChildProcess[] = [];
let pki: TestPki;
let bundled = false;
/** workerd's output per port, for failure messages. */
const logs = new Map<number, () => string>();

beforeAll(async () => {
  pki = await createTestPki();
}, 60_000);

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

/** A port that was free a moment ago: workerd takes its port from the config and cannot report one it picked. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts on the port; bounded generously for a loaded machine. */
async function accepting(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`workerd exited (${child.exitCode}):\n${log()}`);
    const up = await new Promise<boolean>((resolve) => {
      const probe = netConnect({ host: "127.0.0.1", port }, () => {
        probe.destroy();
        resolve(true);
      });
      probe.once("error", () => resolve(false));
    });
    if (up) return;
    if (Date.now() > deadline)
      throw new Error(`workerd did not listen on ${port} in 30 s:\n${log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts workerd serving the handler with this listener config; returns its port. */
async function startWorkerd(
  name: string,
  options: Omit<WorkerdServeConfigOptions, "worker" | "port" | "compatibilityDate">,
): Promise<number> {
  if (!bundled) {
    bundleWorker({
      entry: fileURLToPath(new URL("./fixtures/line-server.worker.ts", import.meta.url)),
      outfile: join(dir, "line-server.worker.js"),
      absWorkingDir: fileURLToPath(new URL("..", import.meta.url)),
    });
    bundled = true;
  }
  const port = await freePort();
  const config = `${name}.capnp`;
  writeFileSync(
    join(dir, config),
    workerdServeConfig({
      worker: "line-server.worker.js",
      port,
      compatibilityDate: workerdCompatibilityDate(),
      ...options,
    }),
  );
  const child = spawn(workerdBinary(), ["serve", config], {
    cwd: dir,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let log = "";
  child.stdout?.on("data", (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (log += chunk.toString()));
  await accepting(port, child, () => log);
  logs.set(port, () => log);
  return port;
}

/** A conversation with the line protocol: greeting, one line, QUIT. */
async function converse(client: Connect, port: number, options: SocketOptions): Promise<string[]> {
  const socket = client(`127.0.0.1:${port}`, options);
  const reader = socket.readable.getReader();
  const got = [await readLine(reader)];
  await say(socket, "hello");
  got.push(await readLine(reader));
  await say(socket, "QUIT");
  got.push(await readLine(reader));
  got.push(await readLine(reader));
  await socket.closed;
  return got;
}

async function converseStartTls(client: Connect, port: number): Promise<string[]> {
  const socket = client(`127.0.0.1:${port}`, {
    secureTransport: "starttls",
    tls: { ca: pki.ca.cert },
  });
  const reader = socket.readable.getReader();
  const got = [await readLine(reader)];
  await say(socket, "before");
  got.push(await readLine(reader));
  await say(socket, "STARTTLS");
  got.push(await readLine(reader));
  reader.releaseLock();
  const secure = socket.startTls();
  await secure.opened;
  const tlsReader = secure.readable.getReader();
  await say(secure, "after");
  got.push(await readLine(tlsReader));
  await say(secure, "QUIT");
  got.push(await readLine(tlsReader));
  await secure.close();
  return got;
}

// With TLS from the first byte, the client's verified handshake is what proves TLS.
const PLAIN = [STARTTLS_GREETING, "ECHO hello\n", "221 bye\n", "<EOF>"];
const TLS = PLAIN;
const STARTTLS = [
  STARTTLS_GREETING,
  "ECHO before\n",
  STARTTLS_GO_AHEAD,
  "TLS after\n",
  "221 bye\n",
];

describe("one connect(socket) handler on workerd (from workerdServeConfig) and on Node's serve()", () => {
  const hosts: Record<
    string,
    (
      mode: "off" | "on" | "starttls",
      mtls?: boolean,
    ) => Promise<{ port: number; stop(): Promise<void> }>
  > = {
    workerd: async (mode, mtls = false) => {
      const port = await startWorkerd(`${mode}${mtls ? "-mtls" : ""}`, {
        secureTransport: mode,
        ...(mode === "off"
          ? {}
          : { tls: { ...pki.server, ...(mtls ? { ca: pki.ca.cert, requestCert: true } : {}) } }),
      });
      const child = children[children.length - 1];
      return {
        port,
        stop: async () => {
          child?.kill("SIGKILL");
        },
      };
    },
    node: async (mode, mtls = false) => {
      const server: Server = await serve({
        port: 0,
        secureTransport: mode,
        ...(mode === "off"
          ? {}
          : { tls: { ...pki.server, ...(mtls ? { ca: pki.ca.cert, requestCert: true } : {}) } }),
        // The refused mTLS client is expected: keep the default hook's log out of the output.
        error: () => {},
        connect: lineHandler.connect,
      }).ready;
      return { port: server.port, stop: () => server.close(true) };
    },
  };

  for (const [host, start] of Object.entries(hosts)) {
    it(`${host}: plain TCP`, async () => {
      const server = await start("off");
      try {
        expect(await converse(connect, server.port, {})).toEqual(PLAIN);
      } finally {
        await server.stop();
      }
    }, 60_000);

    // workerd 1.20261117.1 takes `tlsMode = startTls` in the config but gives
    // the handler a socket with secureTransport "off", whose startTls() throws
    // "The `secureTransport` socket option must be set to 'starttls'"
    // (measured; its log: "TCP connect() handler threw"). A known gap that
    // turns this test red once workerd serves it.
    const startTlsCase = host === "workerd" ? it.fails : it;
    startTlsCase(
      `${host}: STARTTLS in the middle of the line protocol`,
      async () => {
        const server = await start("starttls");
        try {
          const got = await converseStartTls(connect, server.port).catch((e: Error) => {
            throw new Error(`${e.message}\nworkerd: ${logs.get(server.port)?.() ?? ""}`);
          });
          expect(got).toEqual(STARTTLS);
        } finally {
          await server.stop();
        }
      },
      60_000,
    );

    it(`${host}: TLS from the first byte`, async () => {
      const server = await start("on");
      try {
        expect(
          await converse(connect, server.port, { secureTransport: "on", tls: { ca: pki.ca.cert } }),
        ).toEqual(TLS);
      } finally {
        await server.stop();
      }
    }, 60_000);

    it(`${host}: mTLS accepts a client certificate from the CA and refuses a client without one`, async () => {
      const server = await start("on", true);
      try {
        expect(
          await converse(connect, server.port, {
            secureTransport: "on",
            tls: { ca: pki.ca.cert, ...pki.client },
          }),
        ).toEqual(TLS);
        const refused = connect(`127.0.0.1:${server.port}`, {
          secureTransport: "on",
          tls: { ca: pki.ca.cert },
        });
        // TLS 1.3: the refusal may come after the client's side of the handshake.
        const outcome = await refused.opened
          .then(() => readLine(refused.readable.getReader()))
          .then(
            (line) => (line === "<EOF>" ? "ended" : `served: ${line}`),
            () => "refused",
          );
        expect(["refused", "ended"]).toContain(outcome);
        await refused.close().catch(() => {});
      } finally {
        await server.stop();
      }
    }, 60_000);
  }
});
