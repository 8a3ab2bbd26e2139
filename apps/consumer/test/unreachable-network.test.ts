import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { bundleFor, bundlePath, commandFor } from "./fixtures/runtime-script.js";

/**
 * An unreachable network is ENETUNREACH on every runtime (issue 9, defect
 * 10). A real one, without leaving loopback: each runtime runs its
 * @sockets/connect in a fresh network namespace (`unshare -n`), where even
 * loopback is down and the kernel finds no route. Needs CAP_SYS_ADMIN (root,
 * as in CI); elsewhere the tests say so and skip.
 */

type Runtime = "node" | "deno" | "bun";
type Results = Record<string, { opened: string; closed: string }>;

const here = fileURLToPath(new URL(".", import.meta.url));
const appDir = fileURLToPath(new URL("..", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "sockets-unreachable-"));

const probe = spawnSync("unshare", ["-n", "true"], { timeout: 30_000, encoding: "utf8" });
const unshareUnavailable =
  probe.error !== undefined || probe.status !== 0
    ? `unshare -n is unavailable here (needs root or CAP_SYS_ADMIN): ${
        probe.error?.message ?? probe.stderr.trim()
      }`
    : null;

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The fixture with @sockets/connect bundled for `runtime` (its own condition picks the backend). */
function bundle(runtime: Runtime): string {
  const entry = join(here, "fixtures", "unreachable", "client.ts");
  return bundleFor(runtime, entry, bundlePath(dir, "client", runtime), appDir);
}

/** Runs the client in a network namespace of its own; bounded, killed by its PID on timeout. */
function runUnreachable(runtime: Runtime): Promise<Results> {
  return new Promise((resolve, reject) => {
    const [cmd, args] = commandFor(runtime, bundle(runtime));
    const child = spawn("unshare", ["-n", cmd, ...args], {
      cwd: dir,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${runtime} printed no results in 60 s: ${err.slice(-800)}`));
    }, 60_000);
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    child.once("exit", (code) => {
      clearTimeout(timer);
      const match = /@@results (.*)\n/.exec(out);
      if (match?.[1]) resolve(JSON.parse(match[1]) as Results);
      else reject(new Error(`${runtime} exited (${code}) without results: ${err.slice(-800)}`));
    });
  });
}

describe("an unreachable network fails with ENETUNREACH on opened and closed", () => {
  for (const runtime of ["node", "deno", "bun"] as const) {
    it(runtime, async (ctx) => {
      if (unshareUnavailable !== null) ctx.skip(unshareUnavailable);
      expect(await runUnreachable(runtime)).toEqual({
        "127.0.0.1:9": { opened: "ENETUNREACH", closed: "ENETUNREACH" },
      });
    }, 90_000);
  }
});
