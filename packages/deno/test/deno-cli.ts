import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { denoBinary as resolveDenoBinary } from "@sockets/conformance/binaries";
import { linkConnectPackage as linkConnect } from "@sockets/conformance/link-connect";

/** packages/deno */
export const packageDir = fileURLToPath(new URL("..", import.meta.url));
const testDir = join(packageDir, "test");

/**
 * The real Deno executable of the version this package pins (devDependency
 * "deno"), not the .bin shim: the shim is a Node process that runs Deno with
 * spawnSync, so stopping the shim on a timeout would leave Deno running.
 */
export const denoBinary = resolveDenoBinary(packageDir);

/**
 * `deno run` that resolves packages only from node_modules and never downloads:
 * - `--node-modules-dir=manual`: bare and `npm:` specifiers come from the
 *   node_modules directories pnpm made (https://docs.deno.com/runtime/fundamentals/node/#node_modules);
 * - `--cached-only` and `--no-remote`: no registry, no remote modules;
 * - `--no-lock`: no deno.lock written into the package;
 * - network permission for the loopback servers only.
 */
export function denoRunArgs(entry: string, ...scriptArgs: string[]): string[] {
  return [
    "run",
    "--node-modules-dir=manual",
    "--cached-only",
    "--no-remote",
    "--no-lock",
    // no-such-host.invalid: the conformance suite's DNS failure case (it never resolves).
    "--allow-net=127.0.0.1,localhost,[::1],no-such-host.invalid",
    "--allow-env",
    "--allow-read",
    // gc() for the checks that count retained heap (entry-backend.ts).
    "--v8-flags=--expose-gc",
    join(testDir, entry),
    ...scriptArgs,
  ];
}

/** Deno's cache goes under the package's gitignored .tmp; no update check. */
export function denoEnv(): Record<string, string> {
  return {
    DENO_DIR: join(packageDir, ".tmp", "deno-dir"),
    DENO_NO_UPDATE_CHECK: "1",
    NO_COLOR: "1",
  };
}

/** test/node_modules/@sockets/connect → packages/connect, as an application would have it. */
export function linkConnectPackage(): void {
  linkConnect(testDir, join(packageDir, "..", "connect"));
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end, killed (SIGTERM, then SIGKILL) past `timeoutMs`. */
export function run(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string>; timeoutMs: number },
): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? packageDir,
      env: { ...process.env, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (text: string) => {
      stdout += text;
    });
    child.stderr.setEncoding("utf8").on("data", (text: string) => {
      stderr = (stderr + text).slice(-20_000);
    });
    let killTimer: ReturnType<typeof setTimeout> | undefined;
    const timer = setTimeout(() => {
      stderr += `\n[test] ${command} ran past ${options.timeoutMs} ms: stopping it`;
      child.kill("SIGTERM");
      killTimer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    }, options.timeoutMs);
    child.on("error", (error) => {
      stderr += `\n[test] could not start ${command}: ${error.message}`;
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      resolve({ code, stdout, stderr });
    });
  });
}
