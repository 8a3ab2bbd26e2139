/**
 * The runtime integrations, each started exactly as the README says, from the
 * scratch project (packed tarballs): the fixture (fixtures/app/probe.js)
 * imports cloudflare:sockets statically and dynamically, echoes through a
 * loopback TCP and TLS server, and reports which backend answered.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { bunBinary, denoBinary, nodeLtsBinary } from "../src/binaries.js";
import {
  describeRun,
  type FixtureResult,
  fixtureResults,
  type RunResult,
  runTool,
} from "../src/run.js";
import { type FixtureServers, startFixtureServers } from "../src/servers.js";
import { WITHOUT_INTEGRATION } from "../src/without-integration.js";

const dir = inject("scratchDir");
let fixture: FixtureServers;

beforeAll(async () => {
  fixture = await startFixtureServers();
});
afterAll(async () => {
  await fixture?.servers.close();
});

const env = () => ({ FIXTURE_CONFIG: JSON.stringify(fixture.config) });

/** Runs a host command in the scratch project and returns what the fixture printed. */
async function fixtureRun(
  command: string,
  args: string[],
  expected: number,
  extraEnv: Record<string, string> = {},
): Promise<FixtureResult[]> {
  const result = await runTool(command, args, { cwd: dir, env: { ...env(), ...extraEnv } });
  expect(result.code, describeRun(result)).toBe(0);
  const results = fixtureResults(result.stdout);
  expect(results, describeRun(result)).toHaveLength(expected);
  return results;
}

function expectEcho(result: FixtureResult | undefined, runtime: string): void {
  expect(result).toEqual({
    runtime,
    dynamicRuntime: runtime,
    sameModule: true,
    plain: "plain bytes",
    tls: "tls bytes",
  });
}

const NODE_HOOK = ["--import", "@sockets/connect/register"];

describe("Node: node --import @sockets/connect/register", () => {
  it(`plain node ${process.version} (module.register)`, async () => {
    const [result] = await fixtureRun(process.execPath, [...NODE_HOOK, "main.js"], 1);
    expectEcho(result, "node");
  });

  it("plain node 24 (module.registerHooks)", async () => {
    const [result] = await fixtureRun(nodeLtsBinary(), [...NODE_HOOK, "main.js"], 1);
    expectEcho(result, "node");
  });

  it("through NODE_OPTIONS, for a process started by another tool", async () => {
    const [result] = await fixtureRun(process.execPath, ["main.js"], 1, {
      NODE_OPTIONS: NODE_HOOK.join(" "),
    });
    expectEcho(result, "node");
  });

  it("under tsx, on Node 20 and Node 24", async () => {
    for (const node of [process.execPath, nodeLtsBinary()]) {
      const [result] = await fixtureRun(node, ["--import", "tsx", ...NODE_HOOK, "main.ts"], 1);
      expectEcho(result, "node");
    }
  });

  it("inside Vite's dev server (ssrLoadModule and the module runner), without the plugin", async () => {
    const results = await fixtureRun(
      process.execPath,
      [...NODE_HOOK, "vite-dev.js", "vite.hook.config.js"],
      2,
    );
    expect(results.map((r) => r.via)).toEqual(["ssrLoadModule", "module runner"]);
    for (const { via: _via, ...result } of results) expectEcho(result, "node");
  });
});

describe("Bun: the preload", () => {
  it("bun run with bunfig.toml's preload", async () => {
    const [result] = await fixtureRun(bunBinary(), ["run", "main.js"], 1);
    expectEcho(result, "bun");
  });

  it("bun --preload @sockets/connect/bun-preload, without bunfig.toml", async () => {
    const [result] = await fixtureRun(
      bunBinary(),
      ["--config=/dev/null", "--preload", "@sockets/connect/bun-preload", "main.js"],
      1,
    );
    expectEcho(result, "bun");
  });

  it("bun test with bunfig.toml's [test] preload", async () => {
    const [result] = await fixtureRun(bunBinary(), ["test", "./bun.test.js"], 1);
    expectEcho(result, "bun");
  });
});

describe("Deno: the deno.json import map", () => {
  it("deno run", async () => {
    const [result] = await fixtureRun(denoBinary(), ["run", "-A", "main.js"], 1);
    expectEcho(result, "deno");
  });

  it("deno test", async () => {
    const [result] = await fixtureRun(denoBinary(), ["test", "-A", "deno_test.js"], 1);
    expectEcho(result, "deno");
  });
});

describe("without the integration", () => {
  const failing = async (command: string, args: string[]): Promise<RunResult> => {
    const result = await runTool(command, args, { cwd: dir, env: env() });
    expect(result.code, describeRun(result)).not.toBe(0);
    expect(fixtureResults(result.stdout)).toEqual([]);
    return result;
  };

  it("node fails with the error the README maps to the Node hook", async () => {
    const result = await failing(process.execPath, ["main.js"]);
    expect(result.stderr).toMatch(WITHOUT_INTEGRATION.node.error);
  });

  it("bun fails with the error the README maps to the Bun preload", async () => {
    const result = await failing(bunBinary(), ["--config=/dev/null", "main.js"]);
    expect(result.stderr).toMatch(WITHOUT_INTEGRATION.bun.error);
  });

  it("deno fails with the error the README maps to the import map", async () => {
    const result = await failing(denoBinary(), ["run", "-A", "--no-config", "main.js"]);
    expect(result.stderr).toMatch(WITHOUT_INTEGRATION.deno.error);
  });
});
