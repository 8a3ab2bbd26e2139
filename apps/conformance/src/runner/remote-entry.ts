import type { Connect, Serve } from "@sockets/core";
import type { KnownGaps } from "../suite/index.js";
import { CONFIG_ENV, DONE_PREFIX, formatResult, type RunConfig } from "./protocol.js";
import { runCases } from "./run-cases.js";

export interface RemoteRunOptions {
  connect: Connect;
  /** The runtime's serve(), for the server cases; omitted where it cannot listen. */
  serve?: Serve;
  runtime: string;
  gaps?: KnownGaps;
  /** Reads the configuration; by default from the environment variable. */
  config?: RunConfig;
  /** Where result lines go; by default console.log. */
  print?: (line: string) => void;
  /** Counts unhandled rejections on this runtime. */
  unhandledRejections: () => number;
  /**
   * True where the host itself trusts the test CA (workerd: the network
   * service's `trustedCertificates`), so cases pass no `tls` option; otherwise
   * they pass `tls: { ca }`.
   */
  hostTrustsCa?: boolean;
}

/** The body of a runtime's entry script: run the suite and print one line a result. */
export async function runRemote(options: RemoteRunOptions): Promise<void> {
  const print = options.print ?? ((line: string) => console.log(line));
  const config = options.config ?? readConfigFromEnv();
  const results = await runCases(
    {
      connect: options.connect,
      runtime: options.runtime,
      ports: config.ports,
      trust: options.hostTrustsCa ? undefined : { ca: config.ca },
      clientCert: config.clientCert,
      ...(options.serve ? { serve: options.serve } : {}),
      ...(config.serverKeypair ? { serverKeypair: config.serverKeypair } : {}),
      ca: config.ca,
      unhandledRejections: options.unhandledRejections,
    },
    options.gaps ?? config.gaps ?? {},
    (result) => print(formatResult(result)),
    config.grep ? (name) => name.includes(config.grep as string) : undefined,
  );
  print(DONE_PREFIX + JSON.stringify({ count: results.length }));
}

function readConfigFromEnv(): RunConfig {
  const g = globalThis as {
    process?: { env: Record<string, string | undefined> };
    Deno?: { env: { get(name: string): string | undefined } };
  };
  const raw = g.Deno ? g.Deno.env.get(CONFIG_ENV) : g.process?.env[CONFIG_ENV];
  if (!raw)
    throw new Error(
      `${CONFIG_ENV} is not set: this script is started by the conformance orchestrator.`,
    );
  return JSON.parse(raw) as RunConfig;
}
