/**
 * One plugin, every bundler (through unplugin): `cloudflare:sockets` becomes
 * `@sockets/connect` for Node.js, Deno and Bun builds, which the bundler then
 * resolves with its own export conditions to the right backend; for workerd
 * builds it stays an external import for workerd to provide.
 *
 * @packageDocumentation
 * @module @sockets/unplugin
 */
import { createUnplugin, type UnpluginFactory } from "unplugin";
import { esbuildSetup } from "./esbuild-setup.js";
import { rollupResolveId } from "./rollup-resolve.js";
import { type SocketsPluginOptions, targetOption } from "./target.js";
import { applyToWebpackCompiler } from "./webpack-apply.js";

export type { SocketsPluginOptions } from "./target.js";

/** The unplugin factory behind every entry, for tools that compose unplugin factories. */
export const unpluginFactory: UnpluginFactory<SocketsPluginOptions | undefined, false> = (
  options,
) => {
  const target = targetOption(options);
  const resolveId = rollupResolveId(target);
  return {
    name: "@sockets/unplugin",
    enforce: "pre",
    vite: { resolveId },
    rollup: { resolveId },
    rolldown: { resolveId },
    esbuild: { setup: esbuildSetup(target) },
    webpack: (compiler) => applyToWebpackCompiler(compiler, compiler.webpack, target),
    rspack: (compiler) => applyToWebpackCompiler(compiler, compiler.rspack, target),
  };
};

/** The plugin for every bundler unplugin supports; the subpath entries export one each. */
export const sockets = /* #__PURE__ */ createUnplugin<SocketsPluginOptions | undefined, false>(
  unpluginFactory,
);
export default sockets;
