import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { denoBinary } from "@sockets/conformance/binaries";
import { aliasCloudflareSockets } from "./cloudflare-sockets-alias.js";
import { cloudflareBuildsOfDrivers, PG_CLOUDFLARE_HINT } from "./resolve-drivers.js";
import type { RuntimeSetup } from "./types.js";

/**
 * Deno: the bundle keeps the drivers' `cloudflare:sockets` import, and Deno
 * resolves it through the deno.json import map written beside it (the README
 * recipe: `"cloudflare:sockets": "npm:@sockets/connect"`, from node_modules).
 */
export const denoSetup: RuntimeSetup = {
  entry: "entry-process.ts",
  bundle: (scratchDir) => ({
    platform: "node",
    plugins: [aliasCloudflareSockets("integration", scratchDir)],
    alias: cloudflareBuildsOfDrivers(),
    inject: [PG_CLOUDFLARE_HINT],
  }),
  run: (scratchDir, bundle, _ca, timeoutMs) => {
    writeFileSync(
      join(scratchDir, "deno.json"),
      `${JSON.stringify({ imports: { "cloudflare:sockets": "npm:@sockets/connect" } }, null, 2)}\n`,
    );
    return denoRun(scratchDir, bundle, timeoutMs);
  },
  version: () =>
    `Deno ${/deno (\S+)/.exec(spawnSync(denoBinary(), ["--version"], { encoding: "utf8" }).stdout)?.[1] ?? "?"}`,
};

function denoRun(
  scratchDir: string,
  bundle: string,
  timeoutMs: number,
): ReturnType<RuntimeSetup["run"]> {
  return {
    command: denoBinary(),
    args: [
      "run",
      // Packages come from ./node_modules as npm installed them; nothing is downloaded.
      "--node-modules-dir=manual",
      "--cached-only",
      "--no-remote",
      "--no-lock",
      "--no-prompt",
      "--allow-net=127.0.0.1,localhost",
      // pg reads PG* defaults and USER from the environment.
      "--allow-env",
      bundle,
    ],
    cwd: scratchDir,
    env: {
      DENO_DIR: join(scratchDir, ".deno"),
      DENO_NO_UPDATE_CHECK: "1",
      NO_COLOR: "1",
      // Deno honours NODE_EXTRA_CA_CERTS (research/runtimes.md).
      NODE_EXTRA_CA_CERTS: join(scratchDir, "ca.pem"),
    },
    timeoutMs,
  };
}
