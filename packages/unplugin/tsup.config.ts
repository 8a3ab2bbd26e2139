import { defineConfig } from "tsup";
import { packageBuild } from "../../tsup.base.js";

export default defineConfig(
  packageBuild({
    entry: [
      "src/index.ts",
      "src/vite.ts",
      "src/rollup.ts",
      "src/rolldown.ts",
      "src/esbuild.ts",
      "src/webpack.ts",
      "src/rspack.ts",
    ],
    platform: "node",
    removeNodeProtocol: false,
    external: ["unplugin", /^@sockets\//],
  }),
);
