import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts", "src/unsupported.ts"],
  format: ["esm"],
  // tsup 8 sets `baseUrl` for its declaration build, which TypeScript 6 deprecates.
  dts: { compilerOptions: { ignoreDeprecations: "6.0" } },
  clean: true,
  keepNames: true,
  target: "es2022",
  platform: "neutral",
  // workerd provides this module; it exists nowhere else and is never bundled.
  external: ["cloudflare:sockets"],
});
