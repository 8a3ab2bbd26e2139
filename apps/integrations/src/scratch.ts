/**
 * The scratch project every integration test runs in: a directory outside
 * the monorepo where @sockets/* are installed from packed tarballs (the
 * conformance matrix's createScratchProject), plus @sockets/unplugin packed
 * the same way and installed with its one dependency from the registry. The
 * tools (vite, rollup, …) are this app's pinned copies, linked into the
 * project's node_modules so the fixture configs import them as a user's do.
 * The fixture app (fixtures/app) is copied to the project's root, the
 * type-check fixture (fixtures/types) to types/.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, realpathSync, symlinkSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createScratchProject, run } from "@sockets/conformance/scratch";

const appDir = fileURLToPath(new URL("..", import.meta.url));
export const repoRoot = join(appDir, "..", "..");
const fixtures = join(appDir, "fixtures");

/** The tools the fixture configs import, linked from this app's node_modules. */
const TOOLS = [
  "vite",
  "vitest",
  "rollup",
  "rolldown",
  "esbuild",
  "webpack",
  "@rspack/core",
  "tsx",
  "typescript",
  "@cloudflare/workers-types",
];

/**
 * createScratchProject packs with `pnpm`; under `npm test` it is not on PATH
 * (task.mjs runs it through npx), so find the pinned one the same way.
 */
function ensurePnpmOnPath(): void {
  if (spawnSync("pnpm", ["--version"]).status === 0) return;
  const manifest = JSON.parse(
    run("node", ["-p", "JSON.stringify(require('./package.json'))"], repoRoot, 30_000),
  ) as { packageManager: string };
  const where = run(
    "npx",
    [
      "--yes",
      "-p",
      manifest.packageManager,
      "node",
      "-e",
      "process.stdout.write(require('node:child_process').execSync('command -v pnpm').toString())",
    ],
    repoRoot,
    180_000,
  ).trim();
  process.env.PATH = `${dirname(where)}${delimiter}${process.env.PATH ?? ""}`;
}

export function createIntegrationsScratch(dir: string): void {
  ensurePnpmOnPath();
  createScratchProject(repoRoot, dir);
  const tarballs = join(dir, "tarballs");
  const before = new Set(readdirSync(tarballs));
  run(
    "pnpm",
    ["pack", "--pack-destination", tarballs],
    join(repoRoot, "packages", "unplugin"),
    120_000,
  );
  const tarball = readdirSync(tarballs).find((file) => !before.has(file));
  if (!tarball) throw new Error("pnpm pack wrote no tarball for @sockets/unplugin");
  run(
    "npm",
    ["install", "--no-audit", "--no-fund", "--loglevel=error", `./tarballs/${tarball}`],
    dir,
    300_000,
  );
  for (const tool of TOOLS) {
    const link = join(dir, "node_modules", tool);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(realpathSync(join(appDir, "node_modules", tool)), link, "dir");
  }
  cpSync(join(fixtures, "app"), dir, { recursive: true });
  cpSync(join(fixtures, "types"), join(dir, "types"), { recursive: true });
}
