/**
 * The resolveId hook for Vite, Rollup and Rolldown. For a host build it asks
 * the bundler to resolve `@sockets/connect` from the importer (so the
 * bundler's own export conditions pick the backend); for workerd it keeps the
 * import external. In Vite the decision is per environment: an environment
 * whose conditions include `workerd` (as @cloudflare/vite-plugin's do) keeps
 * it external, the others get @sockets/connect.
 */
import { CLOUDFLARE_SOCKETS, SOCKETS_CONNECT, targetsWorkerd } from "./target.js";

interface ResolvedId {
  id: string;
  external?: boolean | "absolute" | "relative";
}

/** The members of the Rollup/Rolldown/Vite plugin context used here. */
interface ResolveContext {
  resolve(
    source: string,
    importer?: string,
    options?: { skipSelf?: boolean; isEntry?: boolean },
  ): Promise<ResolvedId | null>;
  /** Vite 6+: the environment this resolution is for. */
  environment?: { config?: { resolve?: { conditions?: readonly string[] } } };
}

export function rollupResolveId(target: "auto" | "workerd" | "host") {
  return async function resolveId(
    this: ResolveContext,
    source: string,
    importer: string | undefined,
  ): Promise<ResolvedId | null> {
    if (source !== CLOUDFLARE_SOCKETS) return null;
    if (targetsWorkerd(target, this.environment?.config?.resolve?.conditions)) {
      return { id: CLOUDFLARE_SOCKETS, external: true };
    }
    // Rollup without a resolver plugin (@rollup/plugin-node-resolve) resolves no
    // bare package: it keeps them all external, and so @sockets/connect too.
    const resolved = await this.resolve(SOCKETS_CONNECT, importer, { skipSelf: true });
    return resolved ?? { id: SOCKETS_CONNECT, external: true };
  };
}
