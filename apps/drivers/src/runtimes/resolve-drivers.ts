import { realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** This app's installed copy of a driver (postgres.js does not export its package.json). */
const packageDir = (name: string) =>
  realpathSync(fileURLToPath(new URL(`../../node_modules/${name}`, import.meta.url)));

/**
 * The drivers' Cloudflare builds, for a bundle that does not use the
 * `workerd` condition (Node, Deno, Bun): pg-cloudflare's `exports` give
 * everyone but `workerd` an empty module (pg-cloudflare/package.json
 * "exports"), and postgres.js maps only `workerd` to its `cf/` build (Bun
 * gets its Node build through the `bun` condition).
 */
export function cloudflareBuildsOfDrivers(): Record<string, string> {
  return {
    "pg-cloudflare": join(packageDir("pg-cloudflare"), "dist", "index.js"),
    postgres: join(packageDir("postgres"), "cf", "src", "index.js"),
  };
}

/**
 * pg picks pg-cloudflare only when `navigator.userAgent` is
 * "Cloudflare-Workers" (pg/lib/stream.js, isCloudflareRuntime()); elsewhere it
 * uses node:net and node:tls. This module is injected (esbuild `inject`) as
 * the bundle's `navigator`, so pg uses pg-cloudflare, and through it
 * `cloudflare:sockets`, on Node, Deno and Bun too.
 */
export const PG_CLOUDFLARE_HINT = join(
  dirname(fileURLToPath(import.meta.url)),
  "pg-cloudflare-hint.js",
);
