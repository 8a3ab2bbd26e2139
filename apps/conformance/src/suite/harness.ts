import type { Connect, Serve, TlsOptions } from "@sockets/core";
import type { ServerPorts } from "../servers/protocol.js";

/** Everything a case needs: the connect under test and where the servers are. */
export interface SuiteContext {
  readonly connect: Connect;
  /** "node", "deno", "bun", "workerd" or "workerd-native". */
  readonly runtime: string;
  readonly ports: ServerPorts;
  /**
   * How this runtime trusts the test CA: the `tls` option to pass, or
   * undefined where the host trusts it by configuration (workerd).
   */
  readonly trust: TlsOptions | undefined;
  /** A client certificate signed by the test CA, for the mTLS case. */
  readonly clientCert: { cert: string; key: string };
  /**
   * `serve()` of the runtime under test, for the server cases; absent where
   * listeners cannot be opened from JavaScript (workerd: they come from its config).
   */
  readonly serve?: Serve;
  /** The listener's keypair for the server cases: signed by the test CA, for localhost and 127.0.0.1. */
  readonly serverKeypair?: { cert: string; key: string };
  /** PEM of the test CA: what a TLS listener checks client certificates against (mTLS). */
  readonly ca?: string;
  /** Unhandled promise rejections seen by the runner so far. */
  unhandledRejections(): number;
}

export interface TestCase {
  /** "group: what it checks", stable: runners and gap lists match on it. */
  readonly name: string;
  /** A bound for the whole case, generous for a loaded 2-core machine. */
  readonly timeoutMs?: number;
  run(ctx: SuiteContext): Promise<void>;
}

/** A behaviour a runtime cannot have, with the platform's reason: reported, never silently skipped. */
export type KnownGaps = Readonly<Record<string, string>>;

export const DEFAULT_TIMEOUT_MS = 30_000;

export function defineCases(
  group: string,
  cases: Record<string, TestCase["run"] | Omit<TestCase, "name">>,
): TestCase[] {
  return Object.entries(cases).map(([title, body]) =>
    typeof body === "function"
      ? { name: `${group}: ${title}`, run: body }
      : { name: `${group}: ${title}`, ...body },
  );
}
