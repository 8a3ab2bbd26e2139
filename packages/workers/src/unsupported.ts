import type { Connect, Serve } from "@sockets/core";
import { unsupportedRuntime } from "@sockets/core/backend";

/**
 * What Node.js, Deno and Bun load for "@sockets/workers" (its `node` export
 * condition, which all three match). The real entry imports
 * `cloudflare:sockets`, which only workerd has; elsewhere that import fails
 * with a loader message that names neither this package nor a fix. This one
 * throws at import, and exports the same names so that a bundle built for the
 * wrong host still builds and then fails with this message.
 */
function refuse(): never {
  const g = globalThis as { Deno?: unknown; Bun?: unknown };
  const host = g.Deno !== undefined ? "Deno" : g.Bun !== undefined ? "Bun" : "Node.js";
  throw unsupportedRuntime(
    `@sockets/workers runs only on Cloudflare Workers (workerd): it is built on cloudflare:sockets, which ${host} does not have.`,
  );
}

export * from "@sockets/core";
export const connect: Connect = refuse();
export const serve: Serve = refuse();
