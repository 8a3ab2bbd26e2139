import type { SubprocessRun } from "@sockets/conformance/workerd";
import type { BuildOptions } from "esbuild";

export type DriverRuntime = "node" | "deno" | "bun" | "workerd";

/** How one runtime gets the drivers: how they are bundled, and how the bundle is run. */
export interface RuntimeSetup {
  /** Entry source under src/runtimes/. */
  entry: "entry-process.ts" | "entry-workerd.ts";
  /** What this runtime adds to the shared esbuild options (resolution of cloudflare:sockets among it). */
  bundle(scratchDir: string): BuildOptions;
  /** How to run the bundle (written as `<runtime>.drivers.mjs` in the scratch directory). */
  run(scratchDir: string, bundle: string, ca: string, timeoutMs: number): SubprocessRun;
  version(): string;
}
