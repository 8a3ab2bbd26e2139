import { defineConfig } from "tsup";
import { packageBuild } from "../../tsup.base.js";

export default defineConfig(
  packageBuild({
    entry: [
      "src/node.ts",
      "src/deno.ts",
      "src/bun.ts",
      "src/workerd.ts",
      "src/unsupported.ts",
      // The integrations that make `cloudflare:sockets` resolve to this package.
      "src/register.ts",
      "src/hooks.ts",
      "src/bun-preload.ts",
    ],
    // The types come from one entry: every runtime entry has the same API.
    dtsEntry: {
      index: "src/index.ts",
      register: "src/register.ts",
      hooks: "src/hooks.ts",
      "bun-preload": "src/bun-preload.ts",
    },
    platform: "neutral",
    // Keep `node:module` as written (tsup strips the prefix by default).
    removeNodeProtocol: false,
    // Each entry re-exports one backend package; never inline a backend into another's entry.
    external: [/^@sockets\//, /^node:/, "cloudflare:sockets"],
  }),
);
