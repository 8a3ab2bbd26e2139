/**
 * Node module customization hooks that make `cloudflare:sockets` resolve to
 * this package. Loaded by `@sockets/connect/register` through
 * `module.registerHooks()` (in-thread, Node 22.15+) or `module.register()`
 * (Node 20.6+, off-thread): https://nodejs.org/api/module.html#customization-hooks
 *
 * The specifier is re-resolved as `@sockets/connect` from this file (the
 * package's own name, a self-reference), with the importer's conditions, so
 * Node's export conditions still pick the Node backend.
 *
 * @packageDocumentation
 * @module @sockets/connect/hooks
 */

/** The one specifier these hooks answer for. */
export const CLOUDFLARE_SOCKETS = "cloudflare:sockets";

interface ResolveContext {
  conditions?: readonly string[];
  importAttributes?: Record<string, string>;
  parentURL?: string | undefined;
}

interface ResolveResult {
  url: string;
  format?: string | null | undefined;
  shortCircuit?: boolean | undefined;
}

type NextResolve<R> = (specifier: string, context?: ResolveContext) => R;

/**
 * The resolve hook. It returns what the next hook returns, without awaiting,
 * so one function serves both the synchronous `registerHooks()` chain and the
 * asynchronous `register()` chain.
 */
export function resolve<R extends ResolveResult | Promise<ResolveResult>>(
  specifier: string,
  context: ResolveContext,
  nextResolve: NextResolve<R>,
): R {
  if (specifier !== CLOUDFLARE_SOCKETS) return nextResolve(specifier, context);
  return nextResolve("@sockets/connect", { ...context, parentURL: import.meta.url });
}
