import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/node.ts", "src/deno.ts", "src/bun.ts", "src/workerd.ts", "src/unsupported.ts"],
  format: ["esm"],
  // tsup 8 sets `baseUrl` for its declaration build, which TypeScript 6 deprecates.
  dts: { entry: { index: "src/index.ts" }, compilerOptions: { ignoreDeprecations: "6.0" } },
  clean: true,
  keepNames: true,
  target: "es2022",
  platform: "neutral",
  // Each entry re-exports one backend package; never inline a backend into another's entry.
  external: [/^@sockets\//, /^node:/, "cloudflare:sockets"],
});
