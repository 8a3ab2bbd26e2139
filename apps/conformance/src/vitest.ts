import type { Connect, Serve } from "@sockets/core";
import { afterAll, beforeAll, it } from "vitest";
import { expectAsListed, registerGapNamesCheck, titleOf } from "./gap-checks.js";
import { runCase } from "./runner/run-cases.js";
import { createTestPki, type RunningServers, startServers } from "./servers/index.js";
import { cases, DEFAULT_TIMEOUT_MS, type KnownGaps, type SuiteContext } from "./suite/index.js";

export interface InProcessSuiteOptions {
  connect: Connect;
  /** serve() of the runtime under test, for the server cases. */
  serve?: Serve;
  runtime: string;
  /** Cases this runtime cannot pass; each must fail exactly as its gap says. */
  gaps?: KnownGaps;
}

/**
 * Registers every conformance case as a vitest test against `connect`, with
 * the loopback servers running in this process on ephemeral ports.
 */
export function registerConformanceSuite({
  connect,
  serve,
  runtime,
  gaps = {},
}: InProcessSuiteOptions): void {
  let servers: RunningServers | undefined;
  let context: SuiteContext | undefined;
  let unhandled = 0;
  const onUnhandled = () => {
    unhandled++;
  };

  beforeAll(async () => {
    process.on("unhandledRejection", onUnhandled);
    servers = await startServers(await createTestPki());
    context = {
      connect,
      runtime,
      ports: servers.ports,
      trust: { ca: servers.pki.ca.cert },
      clientCert: servers.pki.client,
      ...(serve ? { serve } : {}),
      serverKeypair: servers.pki.server,
      ca: servers.pki.ca.cert,
      unhandledRejections: () => unhandled,
    };
  }, 60_000);

  afterAll(async () => {
    process.off("unhandledRejection", onUnhandled);
    await servers?.close();
  });

  registerGapNamesCheck(runtime, gaps);
  for (const testCase of cases) {
    const gap = gaps[testCase.name];
    // runCase bounds the case itself; vitest's bound is only a backstop.
    const timeout = (testCase.timeoutMs ?? DEFAULT_TIMEOUT_MS) + 10_000;
    it(
      titleOf(testCase.name, runtime, gap),
      async () => {
        if (!context) throw new Error("the test servers did not start");
        expectAsListed(await runCase(testCase, context, gap), gap);
      },
      timeout,
    );
  }
}
