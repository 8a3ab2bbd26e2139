import type { ServerPorts } from "../servers/protocol.js";
import type { KnownGaps } from "../suite/index.js";
import type { CaseResult } from "./run-cases.js";

/**
 * How the Node orchestrator talks to a suite running in another runtime: the
 * configuration goes in as JSON (env var or, for workerd, a request body),
 * results come back one line each on stdout.
 */
export interface RunConfig {
  ports: ServerPorts;
  /** PEM of the test CA, for runtimes that trust it per socket (tls.ca). */
  ca: string;
  clientCert: { cert: string; key: string };
  /** The keypair the server cases' TLS listeners present (signed by the test CA). */
  serverKeypair?: { cert: string; key: string };
  /** Only cases whose name includes this text, when set. */
  grep?: string;
  /**
   * The runtime's known gaps, when the orchestrator sends them (the gap lists
   * are TypeScript in this app; an entry script may not be able to import them).
   */
  gaps?: KnownGaps;
}

export const CONFIG_ENV = "SOCKETS_CONFORMANCE_CONFIG";
export const RESULT_PREFIX = "@@result ";
export const DONE_PREFIX = "@@done ";

export function formatResult(result: CaseResult): string {
  return RESULT_PREFIX + JSON.stringify(result);
}
