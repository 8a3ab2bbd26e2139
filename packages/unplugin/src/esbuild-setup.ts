/**
 * esbuild: an onResolve for `cloudflare:sockets` that resolves
 * `@sockets/connect` through esbuild itself (build.resolve, so the build's
 * platform and conditions pick the backend), or marks it external when the
 * build targets workerd (wrangler sets `conditions: ["workerd", "worker", "browser"]`).
 * https://esbuild.github.io/plugins/#resolve
 */
import { CLOUDFLARE_SOCKETS, missingConnect, SOCKETS_CONNECT, targetsWorkerd } from "./target.js";

type ImportKind =
  | "entry-point"
  | "import-statement"
  | "require-call"
  | "dynamic-import"
  | "require-resolve"
  | "import-rule"
  | "composes-from"
  | "url-token";

/** The members of esbuild's PluginBuild used here (esbuild stays a peer, not a type dependency). */
interface EsbuildBuild {
  initialOptions: { conditions?: string[] };
  onResolve(
    options: { filter: RegExp },
    callback: (args: {
      path: string;
      importer: string;
      resolveDir: string;
      kind: ImportKind;
    }) => Promise<{
      path: string;
      external?: boolean;
      sideEffects?: boolean;
      namespace?: string;
    }>,
  ): void;
  resolve(
    path: string,
    options: { importer: string; resolveDir: string; kind: ImportKind },
  ): Promise<{
    path: string;
    external: boolean;
    sideEffects: boolean;
    namespace: string;
    errors: { text: string }[];
  }>;
}

export function esbuildSetup(target: "auto" | "workerd" | "host") {
  return (build: EsbuildBuild): void => {
    const workerd = targetsWorkerd(target, build.initialOptions.conditions);
    build.onResolve({ filter: /^cloudflare:sockets$/ }, async (args) => {
      if (workerd) return { path: CLOUDFLARE_SOCKETS, external: true };
      const result = await build.resolve(SOCKETS_CONNECT, {
        importer: args.importer,
        resolveDir: args.resolveDir,
        kind: args.kind,
      });
      if (result.errors.length > 0) throw missingConnect(args.importer);
      return {
        path: result.path,
        external: result.external,
        sideEffects: result.sideEffects,
        namespace: result.namespace,
      };
    });
  };
}
