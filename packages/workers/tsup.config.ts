import { defineConfig } from "tsup";
import { packageBuild } from "../../tsup.base.js";

export default defineConfig(
  packageBuild({
    entry: ["src/index.ts", "src/unsupported.ts", "src/config.ts"],
    platform: "neutral",
    // workerd provides this module; it exists nowhere else and is never bundled.
    external: ["cloudflare:sockets"],
  }),
);
