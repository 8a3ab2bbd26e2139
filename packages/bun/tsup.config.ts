import { defineConfig } from "tsup";
import { packageBuild } from "../../tsup.base.js";

export default defineConfig(
  packageBuild({
    entry: ["src/index.ts"],
    platform: "node",
    // Keep `node:tls` as written: Bun resolves `node:` builtins directly.
    removeNodeProtocol: false,
  }),
);
