import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { aliasCloudflareSockets } from "./cloudflare-sockets-alias.js";
import { cloudflareBuildsOfDrivers, PG_CLOUDFLARE_HINT } from "./resolve-drivers.js";
import type { RuntimeSetup } from "./types.js";

/**
 * Node: the bundle keeps the drivers' `cloudflare:sockets` import, and Node
 * resolves it through `--import @sockets/connect/register` (the README recipe).
 */
export const nodeSetup: RuntimeSetup = {
  entry: "entry-process.ts",
  bundle: (scratchDir) => ({
    platform: "node",
    plugins: [aliasCloudflareSockets("integration", scratchDir)],
    alias: cloudflareBuildsOfDrivers(),
    inject: [PG_CLOUDFLARE_HINT],
  }),
  run: (scratchDir, bundle, _ca, timeoutMs) => ({
    command: process.execPath,
    args: ["--import", "@sockets/connect/register", bundle],
    cwd: scratchDir,
    env: { NODE_EXTRA_CA_CERTS: join(scratchDir, "ca.pem") },
    timeoutMs,
  }),
  version: () =>
    `Node.js ${spawnSync(process.execPath, ["--version"], { encoding: "utf8" }).stdout.trim().replace(/^v/, "")}`,
};
