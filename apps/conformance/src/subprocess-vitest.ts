import { afterAll, beforeAll, expect, it } from "vitest";
import { expectAsListed, registerGapNamesCheck, titleOf } from "./gap-checks.js";
import type { RunConfig } from "./runner/protocol.js";
import { runSubprocess, type SubprocessOutcome, type SubprocessRun } from "./runner/subprocess.js";
import { createTestPki, type RunningServers, startServers } from "./servers/index.js";
import { cases, type KnownGaps } from "./suite/index.js";

export interface SubprocessSuiteOptions {
  runtime: string;
  /** The same gap list the runtime's entry script reports with. */
  gaps?: KnownGaps;
  /** How to start the runtime on its entry script, given the run's configuration. */
  spawn: (config: RunConfig) => SubprocessRun;
}

/**
 * Registers every conformance case as a vitest test whose result comes from
 * one run of the suite inside another runtime (Deno, Bun, workerd), against
 * loopback servers in this process.
 */
export function registerSubprocessSuite({
  runtime,
  gaps = {},
  spawn,
}: SubprocessSuiteOptions): void {
  let servers: RunningServers | undefined;
  let outcome: SubprocessOutcome | undefined;

  beforeAll(async () => {
    servers = await startServers(await createTestPki());
    const config: RunConfig = {
      ports: servers.ports,
      ca: servers.pki.ca.cert,
      clientCert: servers.pki.client,
      serverKeypair: servers.pki.server,
      gaps,
    };
    outcome = await runSubprocess(spawn(config), config);
  }, 20 * 60_000);

  afterAll(async () => {
    await servers?.close();
  });

  it(`${runtime} ran the whole suite to the end`, () => {
    expect(outcome?.completed, `the ${runtime} run did not finish:\n${outcome?.log}`).toBe(true);
  });

  registerGapNamesCheck(runtime, gaps);
  for (const testCase of cases) {
    const gap = gaps[testCase.name];
    it(titleOf(testCase.name, runtime, gap), () => {
      const result = outcome?.results.find((r) => r.name === testCase.name);
      if (!result) throw new Error(`no result from ${runtime}; its output:\n${outcome?.log}`);
      expectAsListed(result, gap);
    });
  }
}
