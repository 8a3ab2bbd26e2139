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
  const file = process.platform === "win32" ? "deno.exe" : "deno";
  const path = join(packageDir("deno"), file);
  if (existsSync(path)) return path;
  // The `deno` package's postinstall copies the binary out of its platform
  // package (@deno/<platform>); pnpm skips that script (pnpm-workspace.yaml's
  // ignoredBuiltDependencies), so take the binary from the platform package.
  const libc = process.platform === "linux" ? "-glibc" : "";
  const platformPackage = `@deno/${process.platform}-${process.arch}${libc}`;
  try {
    const fromDeno = createRequire(join(packageDir("deno"), "package.json"));
    const binary = join(dirname(fromDeno.resolve(`${platformPackage}/package.json`)), file);
    if (existsSync(binary)) return binary;
  } catch {
    // Not installed for this platform: reported below.
  }
  throw new Error(`the deno binary was not found (looked at ${path} and in ${platformPackage})`);
}

export function bunBinary(): string {
  const path = join(packageDir("bun"), "bin", "bun.exe");
  if (!existsSync(path)) throw new Error(`the bun binary was not found (looked at ${path})`);
  return path;
}
