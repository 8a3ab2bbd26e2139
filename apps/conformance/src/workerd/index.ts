/** Running code inside workerd for tests: bundling as wrangler does, configs, runs. */

export { workerdBinary, workerdCompatibilityDate } from "../binaries.js";
export type { RunConfig } from "../runner/protocol.js";
export {
  runSubprocess,
  type SubprocessOutcome,
  type SubprocessRun,
} from "../runner/subprocess.js";
export { bundleSuite, bundleWorker, WRANGLER_CONDITIONS } from "./bundle.js";
export { workerdConfig } from "./config.js";
export {
  type BundleRunOptions,
  type PreparedWorkerdRun,
  prepareBundleRun,
  prepareWorker,
  prepareWorkerdRun,
  type WorkerdRunOptions,
  type WorkerOptions,
} from "./run.js";
