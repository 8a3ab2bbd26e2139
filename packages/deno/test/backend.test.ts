import { createTestPki, type RunningServers, startServers } from "@sockets/conformance/servers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  denoBinary,
  denoEnv,
  denoRunArgs,
  linkConnectPackage,
  type RunResult,
  run,
} from "./deno-cli.js";

const CHECKS = [
  "startTls() with a consumer read in flight upgrades and echoes over TLS",
  "a BYOB read in flight at startTls() never receives the handshake's bytes",
  "a pg-style read loop keeps working across startTls()",
  "startTls() with a read in flight still verifies the name (sni mismatch: ERR_TLS_CERT)",
  "startTls() with a read in flight refuses an untrusted certificate (no tls.ca: ERR_TLS_CERT)",
  "a client certificate over STARTTLS (Deno.startTls takes none) upgrades and echoes",
  "mTLS with sni other than the host connected to (127.0.0.1, sni localhost)",
  "node:tls path: a 16 MiB echo arrives byte-exact, then the stream ends",
  "node:tls path: a write queued behind one the peer never takes rejects once close() is called",
  "close() cancels a node:tls handshake (client certificate) that would never finish",
  "keepAlive with an initial delay is refused with ERR_UNSUPPORTED_OPTION; keepAlive: true works",
  "default reads: short messages get right-sized chunks, a 16 MiB echo retains at most twice each chunk",
  "idle STARTTLS-capable sockets waiting in a default read hold their read's size, not 64 KiB each",
  "writes that wait on the transport retain nothing once written (50,000 awaited writes)",
  "close() after a reset, and twice, never throws",
  "read-ahead: bytes that came before the readable was made are read first, by default and BYOB readers",
  "close() while the read-ahead waits: closed resolves, later reads are done",
  "BYOB reads into a Uint16Array, a DataView and an offset Uint8Array fill the caller's memory in order",
  "no unhandled rejections",
];

interface Check {
  name: string;
  ok: boolean;
  detail?: string;
}

let servers: RunningServers | undefined;
let backend: RunResult | undefined;
let npmEntry: RunResult | undefined;

beforeAll(async () => {
  servers = await startServers(await createTestPki());
  linkConnectPackage();
  const env = {
    ...denoEnv(),
    SOCKETS_CONFORMANCE_CONFIG: JSON.stringify({
      ports: servers.ports,
      ca: servers.pki.ca.cert,
      clientCert: servers.pki.client,
    }),
  };
  [backend, npmEntry] = await Promise.all([
    run(denoBinary, denoRunArgs("entry-backend.ts"), { env, timeoutMs: 5 * 60_000 }),
    run(denoBinary, denoRunArgs("entry-npm.ts", String(servers.ports.echo)), {
      env,
      timeoutMs: 2 * 60_000,
    }),
  ]);
}, 10 * 60_000);

afterAll(async () => {
  await servers?.close();
});

describe("@sockets/deno beyond the shared suite (in Deno)", () => {
  const results = (): Check[] =>
    (backend?.stdout ?? "")
      .split("\n")
      .filter((line) => line.startsWith("@@check "))
      .map((line) => JSON.parse(line.slice("@@check ".length)) as Check);

  it("ran every check to the end", () => {
    expect(backend?.stdout, backend?.stderr).toContain("@@done");
    expect(results().map((r) => r.name)).toEqual(CHECKS);
  });

  for (const name of CHECKS) {
    it(name, () => {
      const result = results().find((r) => r.name === name);
      expect(result, `no result; stderr:\n${backend?.stderr}`).toBeDefined();
      expect(result?.ok, result?.detail).toBe(true);
    });
  }
});

describe("resolution in Deno", () => {
  it('an "npm:@sockets/connect" specifier resolves from node_modules to the deno entry, and works', () => {
    expect(npmEntry?.code, npmEntry?.stderr).toBe(0);
    expect(JSON.parse(npmEntry?.stdout.trim() ?? "null")).toEqual({
      runtime: "deno",
      echoed: "npm specifier\n",
    });
  });
});
