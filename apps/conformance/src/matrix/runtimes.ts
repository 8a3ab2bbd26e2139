import { join } from "node:path";
import { bunBinary, denoBinary } from "../binaries.js";
import type { RuntimeName } from "../entries.js";
import type { SubprocessRun } from "../runner/subprocess.js";
import { prepareWorkerdRun } from "../workerd/run.js";

const TIMEOUT_MS = 15 * 60_000;

export interface PreparedRuntime {
  run: SubprocessRun;
  /** A problem found before running (e.g. the bundle chose the wrong backend). */
  problem?: string;
}

/**
 * How each runtime runs the suite from the scratch project, with its own
 * module resolution: Node, Deno (node_modules as npm laid it out) and Bun
 * import @sockets/connect directly; workerd gets a bundle built as wrangler
 * builds one.
 */
export function prepareRuntime(runtime: RuntimeName, dir: string, ca: string): PreparedRuntime {
  switch (runtime) {
    case "node":
      return {
        run: {
          command: process.execPath,
          args: ["node-entry.mjs"],
          cwd: dir,
          timeoutMs: TIMEOUT_MS,
        },
      };
    case "deno":
      return {
        run: {
          command: denoBinary(),
          args: [
            "run",
            // Packages come from ./node_modules as npm installed them; nothing is downloaded.
            "--node-modules-dir=manual",
            "--cached-only",
            "--no-remote",
            "--no-lock",
            "--no-prompt",
            // Loopback only: Deno checks the literal host, so each form the suite
            // uses; no-such-host.invalid is the DNS failure case (it never resolves).
            "--allow-net=127.0.0.1,localhost,[::1],no-such-host.invalid",
            // The suite's configuration, the fuzz seed and runs, and the variable
            // the verification case sets to prove it changes nothing.
            "--allow-env=SOCKETS_CONFORMANCE_CONFIG,SOCKETS_FUZZ_SEED,SOCKETS_FUZZ_RUNS,NODE_TLS_REJECT_UNAUTHORIZED",
            "deno-entry.mjs",
          ],
          cwd: dir,
          env: { DENO_DIR: join(dir, ".deno"), DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
          timeoutMs: TIMEOUT_MS,
        },
      };
    case "bun":
      return {
        run: {
          command: bunBinary(),
          // --no-install: resolve from ./node_modules only, never fetch.
          args: ["--no-install", "bun-entry.mjs"],
          cwd: dir,
          env: { NO_COLOR: "1" },
          timeoutMs: TIMEOUT_MS,
        },
      };
    case "workerd":
    case "workerd-native": {
      const { run, inputs } = prepareWorkerdRun({
        runtime,
        dir,
        ca,
        suitePresent: true,
        timeoutMs: TIMEOUT_MS,
      });
      if (runtime === "workerd") {
        const backend = inputs.find((file) => /@sockets[/\\]workers[/\\]dist[/\\]/.test(file));
        const others = inputs.filter((file) => /@sockets[/\\](node|deno|bun)[/\\]/.test(file));
        if (!backend || others.length > 0) {
          return {
            run,
            problem: `the workerd bundle of @sockets/connect did not resolve to @sockets/workers alone (inputs: ${inputs.filter((f) => f.includes("@sockets")).join(", ")})`,
          };
        }
      }
      return { run };
    }
  }
}
