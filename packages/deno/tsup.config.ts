import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm"],
  // tsup 8 sets `baseUrl` for its declaration build, which TypeScript 6 deprecates.
  dts: { compilerOptions: { ignoreDeprecations: "6.0" } },
  clean: true,
  keepNames: true,
  target: "es2022",
  // Deno runs the output as is: no Node-specific output, node:* loaded by Deno's own node compat.
  platform: "neutral",
  external: [/^node:/],
  // Deno needs the node: prefix on built-in modules; tsup 8 strips it by default.
  removeNodeProtocol: false,
});
