import { defineConfig } from "tsup";
import { packageBuild } from "../../tsup.base.js";

export default defineConfig(
  packageBuild({
    entry: ["src/index.ts"],
    // Deno runs the output as is: no Node-specific output, node:* loaded by Deno's own node compat.
    platform: "neutral",
    external: [/^node:/],
    // Deno needs the node: prefix on built-in modules; tsup 8 strips it by default.
    removeNodeProtocol: false,
  }),
);
