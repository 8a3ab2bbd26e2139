import { workerdVersion } from "@sockets/conformance/binaries";
import { prepareBundleRun, WRANGLER_CONDITIONS } from "@sockets/conformance/workerd";
import { aliasCloudflareSockets } from "./cloudflare-sockets-alias.js";
import type { RuntimeSetup } from "./types.js";

/**
 * workerd: bundled as wrangler bundles a Worker (the `workerd` condition picks
 * pg-cloudflare's real module and postgres.js's cf/ build), with
 * `cloudflare:sockets` aliased to @sockets/connect, which the same condition
 * resolves to @sockets/workers over workerd's own sockets. The drivers need
 * nodejs_compat (node:events, node:buffer, node:crypto, Buffer, process).
 */
export const workerdSetup: RuntimeSetup = {
  entry: "entry-workerd.ts",
  bundle: (scratchDir) => ({
    platform: "browser",
    conditions: WRANGLER_CONDITIONS,
    plugins: [aliasCloudflareSockets("bundled", scratchDir)],
  }),
  run: (scratchDir, bundle, ca, timeoutMs) =>
    prepareBundleRun({
      dir: scratchDir,
      bundle,
      name: "workerd-drivers",
      ca,
      compatibilityFlags: ["nodejs_compat"],
      timeoutMs,
    }),
  version: () => `workerd ${workerdVersion()}`,
};
