import { defineConfig } from "tsup";
import { packageBuild } from "../../tsup.base.js";

export default defineConfig(
  packageBuild({
    entry: ["src/index.ts"],
    platform: "node",
    // Keep `node:net` / `node:tls` as written: tsup strips the prefix by default,
    // and bundlers and Deno/Bun/workerd compat layers key on it.
    removeNodeProtocol: false,
  }),
);
