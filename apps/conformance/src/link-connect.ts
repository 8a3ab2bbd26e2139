import { existsSync, lstatSync, mkdirSync, readlinkSync, rmSync, symlinkSync } from "node:fs";
import { join, relative } from "node:path";

/**
 * A backend's test entries import "@sockets/connect" as an application would,
 * but a backend cannot depend on it (@sockets/connect depends on every
 * backend: a cycle). So the test directory gets the node_modules link a
 * package manager would give an application: <testDir>/node_modules/@sockets/connect
 * → `connectDir` (gitignored, made idempotently).
 */
export function linkConnectPackage(testDir: string, connectDir: string): void {
  const scope = join(testDir, "node_modules", "@sockets");
  const link = join(scope, "connect");
  const target = relative(scope, connectDir);
  if (existsSync(link) && lstatSync(link).isSymbolicLink() && readlinkSync(link) === target) return;
  mkdirSync(scope, { recursive: true });
  rmSync(link, { recursive: true, force: true });
  symlinkSync(target, link, "dir");
}
