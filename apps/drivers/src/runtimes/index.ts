import { bunSetup } from "./bun.js";
import { denoSetup } from "./deno.js";
import { nodeSetup } from "./node.js";
import type { DriverRuntime, RuntimeSetup } from "./types.js";
import { workerdSetup } from "./workerd.js";

export type { DriverRuntime, RuntimeSetup } from "./types.js";

export const SETUPS: Readonly<Record<DriverRuntime, RuntimeSetup>> = {
  node: nodeSetup,
  deno: denoSetup,
  bun: bunSetup,
  workerd: workerdSetup,
};
export const DRIVER_RUNTIMES = Object.keys(SETUPS) as DriverRuntime[];
