import { denoGaps } from "@sockets/conformance/gaps";
import { registerSubprocessSuite } from "@sockets/conformance/subprocess-vitest";
import { denoBinary, denoEnv, denoRunArgs, linkConnectPackage, packageDir } from "./deno-cli.js";

registerSubprocessSuite({
  runtime: "deno",
  gaps: denoGaps,
  spawn: () => {
    linkConnectPackage();
    return {
      command: denoBinary,
      args: denoRunArgs("entry.ts"),
      cwd: packageDir,
      env: denoEnv(),
      timeoutMs: 15 * 60_000,
    };
  },
});
