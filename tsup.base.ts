import type { Options } from "tsup";

/**
 * What every @sockets package build shares: ESM with .d.ts, names kept (stack
 * traces and `name` stay readable after minification by users' bundlers),
 * ES2022. Each package's tsup.config.ts adds its entries and platform.
 */
export function packageBuild(options: Options & { dtsEntry?: Record<string, string> }): Options {
  const { dtsEntry, ...rest } = options;
  return {
    format: ["esm"],
    dts: {
      ...(dtsEntry === undefined ? {} : { entry: dtsEntry }),
      // tsup 8 sets `baseUrl` for its declaration build, which TypeScript 6 deprecates.
      compilerOptions: { ignoreDeprecations: "6.0" },
    },
    clean: true,
    keepNames: true,
    target: "es2022",
    ...rest,
  };
}
