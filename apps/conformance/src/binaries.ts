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

/**
 * The directory of npm package `name`, resolved from `from` (a directory, so a
 * package's tests run the version it pins) or else from this app.
 */
function packageDir(name: string, from?: string): string {
  const resolver = from ? createRequire(join(from, "package.json")) : require;
  return dirname(resolver.resolve(`${name}/package.json`));
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

/**
 * The real Deno executable: the file in the platform package the `deno` npm
 * package depends on (@deno/<os>-<arch>[-glibc]), resolved from `deno` itself.
 * Not deno/deno, which only exists once the package's install script (or its
 * .bin shim) has copied it there: pnpm here skips that script.
 */
export function denoBinary(from?: string): string {
  const denoRequire = createRequire(join(packageDir("deno", from), "package.json"));
  const file = process.platform === "win32" ? "deno.exe" : "deno";
  const targets = [
    `${process.platform}-${process.arch}-glibc`,
    `${process.platform}-${process.arch}`,
  ];
  const tried: string[] = [];
  for (const target of targets) {
    let dir: string;
    try {
      dir = dirname(denoRequire.resolve(`@deno/${target}/package.json`));
    } catch {
      tried.push(`@deno/${target} (not installed)`);
      continue;
    }
    const path = join(dir, file);
    if (existsSync(path)) return path;
    tried.push(path);
  }
  throw new Error(`the deno binary was not found (looked at ${tried.join(", ")})`);
}

/**
 * The real Bun executable: the file in the platform package the `bun` npm
 * package depends on (@oven/bun-<os>-<arch>[-musl|-baseline]), resolved from
 * `bun` itself. Bun's install script moves that file to `bun/bin/bun.exe` (a
 * real executable under that name on every OS, not a shell wrapper), so on a
 * fresh install the platform package is empty and that is where it is.
 */
export function bunBinary(from?: string): string {
  const bunRequire = createRequire(join(packageDir("bun", from), "package.json"));
  const os = process.platform === "win32" ? "windows" : process.platform;
  const arch = process.arch === "arm64" ? "aarch64" : process.arch;
  const file = process.platform === "win32" ? "bun.exe" : "bun";
  const tried: string[] = [];
  for (const suffix of ["", "-baseline", "-musl"]) {
    const name = `@oven/bun-${os}-${arch}${suffix}`;
    let dir: string;
    try {
      dir = dirname(bunRequire.resolve(`${name}/package.json`));
    } catch {
      tried.push(`${name} (not installed)`);
      continue;
    }
    const path = join(dir, "bin", file);
    if (existsSync(path)) return path;
    tried.push(path);
  }
  const moved = join(packageDir("bun", from), "bin", "bun.exe");
  if (existsSync(moved)) return moved;
  tried.push(moved);
  throw new Error(`the bun binary was not found (looked at ${tried.join(", ")})`);
}
