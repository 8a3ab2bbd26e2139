import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestPki, type TestPki } from "@sockets/conformance/servers/certs";
import { type PgSession, pgWireHandler } from "@sockets/conformance/servers/pg-wire";
import { ensurePostgresBin } from "@sockets/drivers/postgres-binaries";
import { serve } from "@sockets/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * A client nobody here wrote: psql (libpq) against a tiny PostgreSQL server
 * written with serve(). libpq sends an SSLRequest, the handler answers "S"
 * and serves the TLS handshake with socket.startTls(), and libpq verifies
 * the certificate (sslmode=verify-full) before its startup message and one
 * simple query.
 */

const dir = mkdtempSync(join(tmpdir(), "sockets-psql-"));
let pki: TestPki;
let caFile: string;
let psqlBinary: string;

beforeAll(async () => {
  // Debian's psql, from the PostgreSQL the driver matrix uses (installed when
  // missing, as root: a fresh CI machine has none; allow for apt-get).
  psqlBinary = join(ensurePostgresBin(console.log), "psql");
  pki = await createTestPki();
  caFile = join(dir, "ca.pem");
  writeFileSync(caFile, pki.ca.cert);
}, 600_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs psql, bounded in time, killed by its PID on timeout. */
function psql(
  conninfo: string,
  query: string,
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(psqlBinary, [conninfo, "-X", "-A", "-t", "-c", query], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, PGCONNECT_TIMEOUT: "20" },
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
  });
}

describe("psql against a PostgreSQL-wire server written with serve()", () => {
  it("upgrades with SSLRequest → startTls(), verifies the certificate, and runs a query", async () => {
    const sessions: PgSession[] = [];
    const server = await serve({
      secureTransport: "starttls",
      tls: pki.server,
      connect: pgWireHandler(sessions),
    }).ready;
    try {
      const result = await psql(
        `host=localhost hostaddr=127.0.0.1 port=${server.port} user=alice dbname=app sslmode=verify-full sslrootcert=${caFile} gssencmode=disable`,
        "select 'hello over tls'",
      );
      expect(result.err).toBe("");
      expect(result.code).toBe(0);
      expect(result.out.trim()).toBe("select 'hello over tls'");
      expect(sessions).toEqual([
        { tls: true, user: "alice", queries: ["select 'hello over tls'"] },
      ]);
    } finally {
      await server.close(true);
    }
  }, 60_000);

  it("refuses to go on when the server's certificate is not trusted", async () => {
    const sessions: PgSession[] = [];
    const server = await serve({
      secureTransport: "starttls",
      tls: pki.untrusted,
      error: () => {},
      connect: pgWireHandler(sessions),
    }).ready;
    try {
      const result = await psql(
        `host=localhost hostaddr=127.0.0.1 port=${server.port} user=alice dbname=app sslmode=verify-full sslrootcert=${caFile} gssencmode=disable`,
        "select 1",
      );
      expect(result.code).not.toBe(0);
      expect(result.err).toMatch(/certificate/i);
      expect(sessions.flatMap((s) => s.queries)).toEqual([]);
    } finally {
      await server.close(true);
    }
  }, 60_000);
});
