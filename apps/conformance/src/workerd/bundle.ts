import { buildSync } from "esbuild";

/**
 * The export conditions wrangler bundles a Worker with (workers-sdk
 * `getBuildConditions()`): `workerd` first, then `worker` and `browser`.
 */
export const WRANGLER_CONDITIONS = ["workerd", "worker", "browser"];

export interface WorkerBundleOptions {
  entry: string;
  outfile: string;
  /** Directory bare imports are resolved from (the entry's project). */
  absWorkingDir?: string;
  /** Extra node_modules directories for bare imports, when the entry lives elsewhere. */
  nodePaths?: string[];
}

/**
 * Bundles a Worker the way wrangler does: esbuild, platform browser, the
 * conditions above, `cloudflare:sockets` (and any `cloudflare:` built-in) kept
 * as an import for workerd to provide. Synchronous, so a vitest `spawn` hook
 * can call it.
 */
export function bundleWorker(options: WorkerBundleOptions): { inputs: string[] } {
  const result = buildSync({
    entryPoints: [options.entry],
    outfile: options.outfile,
    absWorkingDir: options.absWorkingDir,
    nodePaths: options.nodePaths,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    conditions: WRANGLER_CONDITIONS,
    external: ["cloudflare:*"],
    metafile: true,
    logLevel: "silent",
  });
  return { inputs: Object.keys(result.metafile.inputs) };
}

/**
 * Bundles the suite and its runner (src/runner/remote-entry.ts) into one ES
 * module exporting `runRemote`, with web APIs only: what `pnpm build` writes to
 * dist/remote-entry.js. `@sockets/*` stay imports; the suite only uses their types.
 */
export function bundleSuite(outfile: string): void {
  buildSync({
    entryPoints: [new URL("../runner/remote-entry.ts", import.meta.url).pathname],
    outfile,
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    external: ["@sockets/*"],
    logLevel: "silent",
  });
}
