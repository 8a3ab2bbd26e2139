import type { Plugin } from "esbuild";

/**
 * How the drivers' `import("cloudflare:sockets")` reaches @sockets/connect
 * (from the packed tarballs) in each runtime's bundle:
 *
 * - `integration` (Node, Deno, Bun): the import stays `cloudflare:sockets`,
 *   exactly as the driver wrote it; the runtime resolves it through our
 *   integration at run time (Node's `--import @sockets/connect/register`,
 *   Bun's `--preload @sockets/connect/bun-preload`, Deno's deno.json import
 *   map), which is what a user of those hosts does.
 * - `external`: the import becomes `@sockets/connect`, resolved by the
 *   runtime from node_modules with its own export conditions (a bundler alias).
 * - `bundled` (workerd): @sockets/connect is bundled with the `workerd`
 *   condition; @sockets/workers' own `cloudflare:sockets` import stays
 *   workerd's built-in.
 */
export function aliasCloudflareSockets(
  mode: "integration" | "external" | "bundled",
  scratchDir: string,
): Plugin {
  return {
    name: "cloudflare-sockets-alias",
    setup(build) {
      build.onResolve({ filter: /^cloudflare:sockets$/ }, async (args) => {
        if (/[/\\]@sockets[/\\]/.test(args.importer)) return { path: args.path, external: true };
        if (mode === "integration") return { path: args.path, external: true };
        if (mode === "external") return { path: "@sockets/connect", external: true };
        const resolved = await build.resolve("@sockets/connect", {
          kind: args.kind,
          resolveDir: scratchDir,
        });
        if (resolved.errors.length > 0) {
          return { errors: resolved.errors };
        }
        return { path: resolved.path };
      });
    },
  };
}
