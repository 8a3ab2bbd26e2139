import type { Plugin } from "esbuild";

/**
 * The bundler alias that stands in for the `cloudflare:sockets` integrations
 * until they exist: the drivers' `import("cloudflare:sockets")` becomes
 * `@sockets/connect`, from the packed tarballs.
 *
 * - `external` (Node, Deno, Bun): the import stays `@sockets/connect`, and
 *   the runtime resolves it from node_modules with its own export conditions.
 * - `bundled` (workerd): @sockets/connect is bundled with the `workerd`
 *   condition; @sockets/workers' own `cloudflare:sockets` import stays
 *   workerd's built-in.
 */
export function aliasCloudflareSockets(mode: "external" | "bundled", scratchDir: string): Plugin {
  return {
    name: "cloudflare-sockets-alias",
    setup(build) {
      build.onResolve({ filter: /^cloudflare:sockets$/ }, async (args) => {
        if (/[/\\]@sockets[/\\]/.test(args.importer)) return { path: args.path, external: true };
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
