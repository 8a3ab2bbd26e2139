import { builtinModules } from "node:module";
import type { Plugin } from "esbuild";

const NAMES = new Set(builtinModules.filter((name) => !name.startsWith("_")));
const NAMESPACE = "node-builtin-require";

/**
 * Node built-ins in an ES module bundle. pg and pg-cloudflare are CommonJS
 * and `require("events")`; in an ES module output esbuild turns that into a
 * `require` that does not exist (Deno, workerd). Each such require becomes a
 * tiny module that imports `node:NAME` and re-exports it as CommonJS, which
 * is how wrangler's nodejs_compat bundling does it; imports of built-ins stay
 * imports of `node:NAME` for the runtime to provide.
 */
export const nodeBuiltins: Plugin = {
  name: "node-builtins",
  setup(build) {
    build.onResolve({ filter: /^[a-z_/:]+$/ }, (args) => {
      const name = args.path.replace(/^node:/, "");
      if (!NAMES.has(name)) return undefined;
      if (args.kind === "require-call") return { path: `node:${name}`, namespace: NAMESPACE };
      return { path: `node:${name}`, external: true };
    });
    build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => ({
      contents: `import builtin from ${JSON.stringify(args.path)};\nmodule.exports = builtin;\n`,
      loader: "js",
    }));
  },
};
