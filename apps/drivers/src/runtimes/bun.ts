import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { bunBinary } from "@sockets/conformance/binaries";
import { aliasCloudflareSockets } from "./cloudflare-sockets-alias.js";
import { cloudflareBuildsOfDrivers, PG_CLOUDFLARE_HINT } from "./resolve-drivers.js";
import type { RuntimeSetup } from "./types.js";

/**
 * Bun: the bundle keeps the drivers' `cloudflare:sockets` import, and Bun
 * resolves it through `--preload @sockets/connect/bun-preload` (the README recipe).
 */
export const bunSetup: RuntimeSetup = {
  entry: "entry-process.ts",
  bundle: (scratchDir) => ({
    platform: "node",
    plugins: [aliasCloudflareSockets("integration", scratchDir)],
    alias: cloudflareBuildsOfDrivers(),
    inject: [PG_CLOUDFLARE_HINT],
  }),
  run: (scratchDir, bundle, _ca, timeoutMs) => ({
    command: bunBinary(),
    // --no-install: resolve from ./node_modules only, never fetch.
    args: ["--no-install", "--preload", "@sockets/connect/bun-preload", bundle],
    cwd: scratchDir,
    // Bun honours NODE_EXTRA_CA_CERTS (research/runtimes.md).
    env: { NODE_EXTRA_CA_CERTS: join(scratchDir, "ca.pem"), NO_COLOR: "1" },
    timeoutMs,
  }),
  version: () => `Bun ${spawnSync(bunBinary(), ["--version"], { encoding: "utf8" }).stdout.trim()}`,
};
