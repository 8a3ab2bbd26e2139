/**
 * webpack and Rspack: for a host build, rewrite the request `cloudflare:sockets`
 * to `@sockets/connect` before webpack resolves it (this is what avoids
 * webpack's `UnhandledSchemeError: Reading from "cloudflare:sockets"`), so the
 * config's `resolve.conditionNames` pick the backend. For a workerd build
 * (conditionNames include `workerd`), declare it an external module import.
 * https://webpack.js.org/plugins/normal-module-replacement-plugin/
 * https://webpack.js.org/configuration/externals/
 */
import { CLOUDFLARE_SOCKETS, SOCKETS_CONNECT, targetsWorkerd } from "./target.js";

/** The members of a webpack or Rspack compiler used here (both expose the same ones). */
interface Compiler {
  options: {
    resolve?: { conditionNames?: readonly string[] };
    externalsType?: string;
    output?: { module?: boolean };
  };
}

interface PluginInstance {
  apply(compiler: never): void;
}

/** The plugin classes webpack (`compiler.webpack`) and Rspack (`compiler.rspack`) both export. */
interface WebpackLike {
  NormalModuleReplacementPlugin: new (resource: RegExp, replacement: string) => PluginInstance;
  ExternalsPlugin: new (
    type: "module" | "import",
    externals: Record<string, string>,
  ) => PluginInstance;
}

export function applyToWebpackCompiler(
  compiler: Compiler,
  webpack: WebpackLike,
  target: "auto" | "workerd" | "host",
): void {
  const plugin = targetsWorkerd(target, compiler.options.resolve?.conditionNames)
    ? // An ES module output imports it as written; otherwise a dynamic import() keeps it a real import.
      new webpack.ExternalsPlugin(compiler.options.output?.module ? "module" : "import", {
        [CLOUDFLARE_SOCKETS]: CLOUDFLARE_SOCKETS,
      })
    : new webpack.NormalModuleReplacementPlugin(/^cloudflare:sockets$/, SOCKETS_CONNECT);
  plugin.apply(compiler as never);
}
