/**
 * Bun preload: `bun --preload @sockets/connect/bun-preload app.ts`, or
 * `preload = ["@sockets/connect/bun-preload"]` in bunfig.toml (top level for
 * `bun run`, under `[test]` for `bun test`). It registers a runtime plugin
 * that serves `cloudflare:sockets` as a virtual module holding this package's
 * exports (Bun's own export conditions have already picked the Bun backend).
 * https://bun.com/docs/runtime/plugins#virtual-modules
 *
 * It imports the Bun entry by path, not this package by name: a preload only
 * runs in Bun, and a self-import would need this package's own .d.ts to exist
 * before its build can emit them (a fresh clone has none).
 */
import * as sockets from "./bun.js";

/** The few members of Bun's plugin API this file uses (no @types/bun in our public types). */
interface BunPluginBuilder {
  module(
    specifier: string,
    callback: () => { exports: Record<string, unknown>; loader: "object" },
  ): void;
}
interface BunGlobal {
  plugin(plugin: { name: string; setup(builder: BunPluginBuilder): void }): void;
}

const bun = (globalThis as { Bun?: BunGlobal }).Bun;
if (bun === undefined) {
  throw new TypeError(
    "@sockets/connect/bun-preload is a Bun preload; on Node.js use `node --import @sockets/connect/register`, on Deno map cloudflare:sockets in deno.json.",
  );
}
bun.plugin({
  name: "@sockets/connect: cloudflare:sockets",
  setup(builder) {
    builder.module("cloudflare:sockets", () => ({ exports: { ...sockets }, loader: "object" }));
  },
});
