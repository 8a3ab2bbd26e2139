/**
 * Whether a build targets workerd, where `cloudflare:sockets` is a built-in
 * the bundle must import as written.
 */

/** The plugin's options. */
export interface SocketsPluginOptions {
  /**
   * `"auto"` (default): the build targets workerd when its resolve conditions
   * include `workerd` (wrangler, `@cloudflare/vite-plugin`, Vite environments
   * and esbuild/webpack/Rspack configs for Workers set it).
   * `"workerd"`: always keep `cloudflare:sockets` external and untouched.
   * `"host"`: always resolve it to `@sockets/connect` (Node.js, Deno, Bun).
   */
  target?: "auto" | "workerd" | "host";
}

/** The export condition that marks a workerd build. */
export const WORKERD_CONDITION = "workerd";

/** The specifier the plugin answers for, and the package it resolves to. */
export const CLOUDFLARE_SOCKETS = "cloudflare:sockets";
export const SOCKETS_CONNECT = "@sockets/connect";

/** Reads the option, checking it: a typo must not silently pick a target. */
export function targetOption(
  options: SocketsPluginOptions | undefined,
): "auto" | "workerd" | "host" {
  const target = options?.target ?? "auto";
  if (target !== "auto" && target !== "workerd" && target !== "host") {
    throw new TypeError(
      `@sockets/unplugin: option "target" must be "auto", "workerd" or "host"; got ${JSON.stringify(target)}.`,
    );
  }
  return target;
}

/** Decides for one build from its resolve conditions (undefined when the tool has none). */
export function targetsWorkerd(
  target: "auto" | "workerd" | "host",
  conditions: readonly string[] | undefined,
): boolean {
  if (target !== "auto") return target === "workerd";
  return conditions?.includes(WORKERD_CONDITION) ?? false;
}

/** The error when @sockets/connect is not installed where the importer can see it (esbuild). */
export function missingConnect(importer: string | undefined): Error {
  return new Error(
    `@sockets/unplugin resolves "cloudflare:sockets" to "@sockets/connect", which could not be resolved${importer ? ` from ${importer}` : ""}: install it (npm install @sockets/connect).`,
  );
}
