import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { entrySource, type RuntimeName, SUITE_FILE } from "../entries.js";
import { bundleSuite } from "../workerd/bundle.js";

/** The packages a user installs, in dependency order. */
export const PACKAGES = ["core", "node", "deno", "bun", "workers", "connect"] as const;
export type PackageName = (typeof PACKAGES)[number];

/** The backend package each runtime's `@sockets/connect` entry loads. */
export const BACKEND_OF: Partial<Record<RuntimeName, PackageName>> = {
  node: "node",
  deno: "deno",
  bun: "bun",
  workerd: "workers",
};

export interface ScratchProject {
  dir: string;
  /** Packages whose dist/index.js is missing: packed anyway (so the install works), but unusable. */
  unbuilt: PackageName[];
}

/** Runs a command to completion, bounded in time; throws with its output when it fails. */
export function run(command: string, args: string[], cwd: string, timeoutMs: number): string {
  const result = spawnSync(command, args, {
    cwd,
    encoding: "utf8",
    timeout: timeoutMs,
    killSignal: "SIGKILL",
    env: { ...process.env, npm_config_update_notifier: "false" },
  });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(" ")} (in ${cwd}) failed${result.error ? `: ${result.error.message}` : ""}\n${result.stdout ?? ""}${result.stderr ?? ""}`,
    );
  }
  return result.stdout;
}

/** Files the package's `exports` point at that do not exist (it is not built, or only partly). */
export function missingFiles(packageDir: string): string[] {
  const manifest = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as {
    exports?: unknown;
  };
  const targets = new Set<string>();
  const collect = (value: unknown): void => {
    if (typeof value === "string") targets.add(value);
    else if (value && typeof value === "object") Object.values(value).forEach(collect);
  };
  collect(manifest.exports);
  return [...targets].filter((target) => !existsSync(join(packageDir, target)));
}

/** `turbo run build` for the published packages (turbo's cache makes it cheap when nothing changed). */
export function buildPackages(repoRoot: string): { ok: boolean; output: string } {
  const filters = PACKAGES.flatMap((name) => ["--filter", `@sockets/${name}`]);
  const result = spawnSync(
    "pnpm",
    ["exec", "turbo", "run", "build", ...filters, "--continue", "--output-logs=errors-only"],
    { cwd: repoRoot, encoding: "utf8", timeout: 10 * 60_000, killSignal: "SIGKILL" },
  );
  return { ok: result.status === 0, output: `${result.stdout ?? ""}${result.stderr ?? ""}` };
}

/**
 * A project outside the monorepo that depends on our packages the way a user
 * does: each package is packed (`pnpm pack` turns `workspace:*` into versions)
 * and the tarballs are installed with npm, offline (they have no third-party
 * dependencies). The suite bundle and the Node, Deno and Bun entry scripts go
 * beside them; workerd's are written when it runs.
 */
export function createScratchProject(repoRoot: string, dir: string): ScratchProject {
  const tarballs = join(dir, "tarballs");
  mkdirSync(tarballs, { recursive: true });
  const unbuilt: PackageName[] = [];
  const dependencies: Record<string, string> = {};
  for (const name of PACKAGES) {
    const packageDir = join(repoRoot, "packages", name);
    if (missingFiles(packageDir).length > 0) unbuilt.push(name);
    const before = new Set(readdirSync(tarballs));
    run("pnpm", ["pack", "--pack-destination", tarballs], packageDir, 120_000);
    const tarball = readdirSync(tarballs).find((file) => !before.has(file));
    if (!tarball) throw new Error(`pnpm pack wrote no tarball for @sockets/${name}`);
    dependencies[`@sockets/${name}`] = `file:tarballs/${tarball}`;
  }
  writeFileSync(
    join(dir, "package.json"),
    `${JSON.stringify({ name: "sockets-conformance-scratch", private: true, type: "module", dependencies }, null, 2)}\n`,
  );
  run("npm", ["install", "--offline", "--no-audit", "--no-fund", "--loglevel=error"], dir, 300_000);
  bundleSuite(join(dir, SUITE_FILE));
  for (const runtime of ["node", "deno", "bun"] as const) {
    writeFileSync(join(dir, `${runtime}-entry.mjs`), entrySource(runtime));
  }
  return { dir, unbuilt };
}
