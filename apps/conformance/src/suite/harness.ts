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

/**
 * Why a runtime lacks a behaviour: the platform cannot do it, we chose not to
 * (a cost we will not pay, such as wrapping a runtime's streams per chunk), or
 * the suite cannot observe it there.
 */
export type GapCategory = "platform limit" | "our trade-off" | "suite limitation";

/**
 * The one way a gapped case is expected to fail; any other outcome (a pass, a
 * different error, a different timeout) fails the run. Plain strings, so a gap
 * list crosses into another runtime as JSON.
 * - `code`: the error has this `code`, or an assertion on an error's code
 *   found this code (the assertion error's `cause`).
 * - `message`: a regular expression the failure, as "Name [code]: message", matches.
 * - `timeout`: the suite's bound on waiting for this (a `within()` label) expired.
 */
export type ExpectedFailure =
  | { readonly code: string }
  | { readonly message: string }
  | { readonly timeout: string };

/** A behaviour a runtime cannot have: reported, checked to fail as stated, never silently skipped. */
export interface KnownGap {
  readonly category: GapCategory;
  readonly fails: ExpectedFailure;
  /** What the runtime does instead, and why; link the upstream issue where there is one. */
  readonly reason: string;
}

/** Case name → gap. A name that matches no case is itself a failure. */
export type KnownGaps = Readonly<Record<string, KnownGap>>;

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
