import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { workerdBinary, workerdCompatibilityDate } from "../binaries.js";
import { entrySource, SUITE_FILE } from "../entries.js";
import { CONFIG_ENV } from "../runner/protocol.js";
import type { SubprocessRun } from "../runner/subprocess.js";
import { bundleSuite, bundleWorker } from "./bundle.js";
import { workerdConfig } from "./config.js";

export interface WorkerOptions {
  /** Where the bundle, CA and config are written. */
  dir: string;
  /** The worker's entry module (JS or TS); its default export's test() is run. */
  entry: string;
  /** Base name for the bundle and config files in `dir`. */
  name: string;
  /** PEM of the test CA, for the network service's trustedCertificates. */
  ca: string;
  /** Directory bare imports resolve from; defaults to `dir`. */
  absWorkingDir?: string;
  /** Extra node_modules directories for bare imports. */
  nodePaths?: string[];
  timeoutMs: number;
}

export interface PreparedWorkerdRun {
  run: SubprocessRun;
  /** The files esbuild put in the worker bundle, for checking which backend it chose. */
  inputs: string[];
}

/**
 * Bundles a worker as wrangler would and writes a `workerd test` config for it
 * into `dir`; returns how to start it. The worker sees the run's configuration
 * as `env.SOCKETS_CONFORMANCE_CONFIG` (runSubprocess sets that variable; a
 * fromEnvironment binding passes it in), and its console.log lines arrive on
 * stdout.
 */
export function prepareWorker(options: WorkerOptions): PreparedWorkerdRun {
  const bundle = `${options.name}.worker.js`;
  const { inputs } = bundleWorker({
    entry: options.entry,
    outfile: join(options.dir, bundle),
    absWorkingDir: options.absWorkingDir ?? options.dir,
    nodePaths: options.nodePaths,
  });
  return { run: prepareBundleRun({ ...options, bundle }), inputs };
}

export interface BundleRunOptions {
  dir: string;
  /** File name of an ES module worker already in `dir` (built by any bundler). */
  bundle: string;
  /** Base name for the config files in `dir`. */
  name: string;
  /** PEM of a CA to trust; without it, no certificate is trusted. */
  ca?: string;
  /** Compatibility flags for the worker (none by default). */
  compatibilityFlags?: readonly string[];
  timeoutMs: number;
}

/** Writes a `workerd test` config for a worker bundle that is already in `dir`; returns how to start it. */
export function prepareBundleRun(options: BundleRunOptions): SubprocessRun {
  const { dir, name } = options;
  const config = `${name}.wd-test`;
  if (options.ca !== undefined) writeFileSync(join(dir, `${name}.ca.pem`), options.ca);
  writeFileSync(
    join(dir, config),
    workerdConfig({
      worker: options.bundle,
      ...(options.ca !== undefined ? { ca: `${name}.ca.pem` } : {}),
      compatibilityDate: workerdCompatibilityDate(),
      ...(options.compatibilityFlags ? { compatibilityFlags: options.compatibilityFlags } : {}),
      envBindings: { [CONFIG_ENV]: CONFIG_ENV },
    }),
  );
  return {
    command: workerdBinary(),
    args: ["test", config],
    cwd: dir,
    timeoutMs: options.timeoutMs,
  };
}

export interface WorkerdRunOptions {
  runtime: "workerd" | "workerd-native";
  /** Where the entry, suite bundle, worker bundle and config are written; bare imports resolve from here. */
  dir: string;
  ca: string;
  /** Extra node_modules directories for bare imports (when `dir` is a temp dir). */
  nodePaths?: string[];
  /** True when `dir` already holds the suite bundle (the matrix's scratch project). */
  suitePresent?: boolean;
  timeoutMs: number;
}

/** The conformance suite in workerd: `runtime`'s entry script (entries.ts) as a worker. */
export function prepareWorkerdRun(options: WorkerdRunOptions): PreparedWorkerdRun {
  const { dir, runtime } = options;
  if (!options.suitePresent) bundleSuite(join(dir, SUITE_FILE));
  const entry = join(dir, `${runtime}-entry.mjs`);
  writeFileSync(entry, entrySource(runtime));
  return prepareWorker({ ...options, entry, name: runtime });
}
