import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/**
 * The runtimes' real executables, from this app's pinned devDependencies.
 * Not the `node_modules/.bin` shims: those start the binary as a child of a
 * Node (or shell) process, and stopping the shim by PID would leave the
 * runtime running.
 */
const require = createRequire(import.meta.url);

function packageDir(name: string): string {
  return dirname(require.resolve(`${name}/package.json`));
}

interface WorkerdPackage {
  /** The platform binary's path. */
  default: string;
  /** The newest compatibility date this workerd supports. */
  compatibilityDate: string;
  version: string;
}

/** workerd, found by the `workerd` package's own lookup of its platform binary. */
export function workerdBinary(): string {
  const path = (require("workerd") as WorkerdPackage).default;
  if (!existsSync(path)) throw new Error(`the workerd binary was not found (looked at ${path})`);
  return path;
}

/** The compatibility date the worker runs with: the newest the pinned workerd supports. */
export function workerdCompatibilityDate(): string {
  return (require("workerd") as WorkerdPackage).compatibilityDate;
}

/** The pinned workerd's npm version, e.g. "1.20261117.1". */
export function workerdVersion(): string {
  return (require("workerd") as WorkerdPackage).version;
}

export function denoBinary(): string {
  const path = join(packageDir("deno"), process.platform === "win32" ? "deno.exe" : "deno");
  if (!existsSync(path)) throw new Error(`the deno binary was not found (looked at ${path})`);
  return path;
}

export function bunBinary(): string {
  const path = join(packageDir("bun"), "bin", "bun.exe");
  if (!existsSync(path)) throw new Error(`the bun binary was not found (looked at ${path})`);
  return path;
}
