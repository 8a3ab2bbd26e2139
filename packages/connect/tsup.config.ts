import { defineConfig } from "tsup";
import { packageBuild } from "../../tsup.base.js";

export default defineConfig(
  packageBuild({
    entry: ["src/node.ts", "src/deno.ts", "src/bun.ts", "src/workerd.ts", "src/unsupported.ts"],
    // The types come from one entry: every runtime entry has the same API.
    dtsEntry: { index: "src/index.ts" },
    platform: "neutral",
    // Each entry re-exports one backend package; never inline a backend into another's entry.
    external: [/^@sockets\//, /^node:/, "cloudflare:sockets"],
  }),
);
