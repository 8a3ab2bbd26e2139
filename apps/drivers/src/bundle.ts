import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import type { DriverRuntime, RuntimeSetup } from "./runtimes/index.js";
import { nodeBuiltins } from "./runtimes/node-builtins.js";

const appDir = fileURLToPath(new URL("..", import.meta.url));

/**
 * Bundles the driver cases for one runtime into the scratch project (where
 * the packed @sockets tarballs are installed); returns the bundle's file name.
 * The drivers resolve from this app's node_modules, unmodified.
 */
export async function bundleFor(
  runtime: DriverRuntime,
  setup: RuntimeSetup,
  scratchDir: string,
): Promise<string> {
  const file = `${runtime}.drivers.mjs`;
  const own = setup.bundle(scratchDir);
  await build({
    entryPoints: [join(appDir, "src", "runtimes", setup.entry)],
    outfile: join(scratchDir, file),
    absWorkingDir: appDir,
    bundle: true,
    format: "esm",
    target: "es2022",
    logLevel: "error",
    ...own,
    plugins: [...(own.plugins ?? []), nodeBuiltins],
  });
  return file;
}
