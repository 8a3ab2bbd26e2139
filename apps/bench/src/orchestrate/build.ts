import { join } from "node:path";
import { build } from "esbuild";

export const BENCH_DIR = join(import.meta.dirname, "..", "..");
export const BUILD_DIR = join(BENCH_DIR, ".build");

/**
 * Bundles the server and each runtime's trial entry into one JS file each,
 * so every runtime runs plain JavaScript. The libraries under test stay
 * external: each runtime imports `@sockets/connect` itself and resolves its
 * own export condition from apps/bench/node_modules.
 */
export async function buildTrials(): Promise<void> {
  const external = ["@sockets/*", "@arrowood.dev/socket", "node:*", "cloudflare:sockets"];
  const common = {
    bundle: true,
    format: "esm",
    target: "es2022",
    external,
    logLevel: "warning",
    keepNames: true,
  } as const;
  await build({
    ...common,
    platform: "node",
    entryPoints: {
      server: join(BENCH_DIR, "src", "server.ts"),
      "trial-node": join(BENCH_DIR, "src", "trial", "entry-node.ts"),
    },
    outdir: BUILD_DIR,
  });
  await build({
    ...common,
    platform: "neutral",
    entryPoints: {
      "trial-deno": join(BENCH_DIR, "src", "trial", "entry-deno.ts"),
      "trial-bun": join(BENCH_DIR, "src", "trial", "entry-bun.ts"),
    },
    outdir: BUILD_DIR,
  });
}

/**
 * Bundles the workerd trial worker as wrangler would: conditions
 * `workerd, worker, browser`, `cloudflare:sockets` left to the runtime.
 */
export async function buildWorker(): Promise<string> {
  const outfile = join(BUILD_DIR, "trial-workerd.js");
  await build({
    bundle: true,
    format: "esm",
    target: "es2022",
    platform: "browser",
    conditions: ["workerd", "worker", "browser"],
    external: ["cloudflare:sockets"],
    entryPoints: [join(BENCH_DIR, "src", "trial", "entry-workerd.ts")],
    outfile,
    // @sockets/connect's entries import a shared chunk that its `sideEffects: false` marks droppable: esbuild warns, harmlessly.
    logLevel: "error",
    keepNames: true,
  });
  return outfile;
}
