import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { denoBinary } from "@sockets/conformance/binaries";
import { aliasCloudflareSockets } from "./cloudflare-sockets-alias.js";
import { cloudflareBuildsOfDrivers, PG_CLOUDFLARE_HINT } from "./resolve-drivers.js";
import type { RuntimeSetup } from "./types.js";

/** Deno: the bundle imports @sockets/connect from node_modules, resolved by Deno's `deno` condition. */
export const denoSetup: RuntimeSetup = {
  entry: "entry-process.ts",
  bundle: (scratchDir) => ({
    platform: "node",
    plugins: [aliasCloudflareSockets("external", scratchDir)],
    alias: cloudflareBuildsOfDrivers(),
    inject: [PG_CLOUDFLARE_HINT],
  }),
  run: (scratchDir, bundle, _ca, timeoutMs) => ({
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
  }),
  version: () =>
    `Deno ${/deno (\S+)/.exec(spawnSync(denoBinary(), ["--version"], { encoding: "utf8" }).stdout)?.[1] ?? "?"}`,
};
