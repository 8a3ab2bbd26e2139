/**
 * @sockets/unplugin with the real tools, each driven as a user drives it
 * (CLI with a config file, or the tool's Node API where it has no CLI of its
 * own here), in the scratch project (packed tarballs). Every build of the
 * fixture (fixtures/app) must run and echo through a loopback TCP and TLS
 * server on the backend its host picks; the Worker builds must keep
 * `cloudflare:sockets` as an import and run in real workerd.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { prepareBundleRun } from "@sockets/conformance/workerd";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { bunBinary, denoBinary } from "../src/binaries.js";
import { describeRun, type FixtureResult, fixtureResults, runTool } from "../src/run.js";
import { type FixtureServers, startFixtureServers } from "../src/servers.js";

const dir = inject("scratchDir");
const bin = (path: string) => join(dir, "node_modules", path);
let fixture: FixtureServers;

beforeAll(async () => {
  fixture = await startFixtureServers();
});
afterAll(async () => {
  await fixture?.servers.close();
});

async function node(args: string[], command = process.execPath) {
  const result = await runTool(command, args, {
    cwd: dir,
    env: { FIXTURE_CONFIG: JSON.stringify(fixture.config) },
  });
  expect(result.code, describeRun(result)).toBe(0);
  return result;
}

function expectEcho(result: FixtureResult | undefined, runtime: string): void {
  expect(result).toMatchObject({
    runtime,
    dynamicRuntime: runtime,
    sameModule: true,
    plain: "plain bytes",
    tls: "tls bytes",
  });
}

/** Runs a Node bundle (no hook: the build resolved cloudflare:sockets) and checks it echoed on the Node backend. */
async function runNodeBundle(file: string): Promise<void> {
  const source = readFileSync(join(dir, file), "utf8");
  expect(source).not.toContain('"cloudflare:sockets"');
  const [result, ...rest] = fixtureResults((await node([file])).stdout);
  expect(rest).toEqual([]);
  expectEcho(result, "node");
}

describe("Vite", () => {
  it("vite build (SSR), run on Node, Bun and Deno", async () => {
    await node([bin("vite/bin/vite.js"), "build", "--logLevel", "warn"]);
    await runNodeBundle("dist-vite/main.js");
    // Vite keeps @sockets/connect external in an SSR build: each host's own
    // export conditions then pick its backend at run time.
    const [onBun] = fixtureResults(
      (await node(["--config=/dev/null", "dist-vite/main.js"], bunBinary())).stdout,
    );
    expectEcho(onBun, "bun");
    const [onDeno] = fixtureResults(
      (await node(["run", "-A", "dist-vite/main.js"], denoBinary())).stdout,
    );
    expectEcho(onDeno, "deno");
  });

  it("the dev server: ssrLoadModule and the module runner", async () => {
    const results = fixtureResults((await node(["vite-dev.js"])).stdout);
    expect(results.map((r) => r.via)).toEqual(["ssrLoadModule", "module runner"]);
    for (const result of results) expectEcho(result, "node");
  });

  it("vitest run", async () => {
    const result = await node([bin("vitest/vitest.mjs"), "run"]);
    const [echoed] = fixtureResults(result.stdout);
    expectEcho(echoed, "node");
    expect(result.stdout).toMatch(/1 passed/);
  });
});

describe("Rollup, Rolldown, esbuild, webpack, Rspack (for Node)", () => {
  it("rollup -c", async () => {
    await node([bin("rollup/dist/bin/rollup"), "-c", "rollup.config.js", "--silent"]);
    await runNodeBundle("dist-rollup/main.js");
  });

  it("rolldown -c", async () => {
    await node([bin("rolldown/bin/cli.mjs"), "-c", "rolldown.config.js"]);
    await runNodeBundle("dist-rolldown/main.js");
  });

  it("esbuild (build script)", async () => {
    await node(["esbuild.build.js"]);
    await runNodeBundle("dist-esbuild/main.js");
  });

  it("webpack (Node API)", async () => {
    await node(["webpack.build.js"]);
    await runNodeBundle("dist-webpack/main.mjs");
  });

  it("Rspack (Node API)", async () => {
    await node(["rspack.build.js"]);
    await runNodeBundle("dist-rspack/main.js");
  });
});

describe("for workerd: cloudflare:sockets stays external and workerd provides it", () => {
  async function runInWorkerd(outDir: string): Promise<void> {
    const bundle = readFileSync(join(dir, outDir, "worker.js"), "utf8");
    expect(bundle).toMatch(/from\s*"cloudflare:sockets"|import\("cloudflare:sockets"\)/);
    expect(bundle).not.toMatch(/@sockets[/\\]|node:net/);
    const run = prepareBundleRun({
      dir: join(dir, outDir),
      bundle: "worker.js",
      name: "fixture",
      ca: fixture.config.ca,
      timeoutMs: 120_000,
    });
    const { ca: _ca, ...config } = fixture.config;
    const result = await runTool(run.command, run.args, {
      cwd: join(dir, outDir),
      env: { SOCKETS_CONFORMANCE_CONFIG: JSON.stringify(config) },
      timeoutMs: run.timeoutMs,
    });
    expect(result.code, describeRun(result)).toBe(0);
    const [echoed] = fixtureResults(result.stdout + result.stderr);
    // workerd's own module: no `runtime` export of ours.
    expect(echoed).toEqual({ sameModule: true, plain: "plain bytes", tls: "tls bytes" });
  }

  it("esbuild with wrangler's conditions", async () => {
    await node(["esbuild.build.js", "--workerd"]);
    await runInWorkerd("dist-esbuild-workerd");
  });

  it("vite build with a workerd SSR environment", async () => {
    await node([
      bin("vite/bin/vite.js"),
      "build",
      "--config",
      "vite.workerd.config.js",
      "--logLevel",
      "warn",
    ]);
    await runInWorkerd("dist-vite-workerd");
  });

  it("webpack with the workerd conditions", async () => {
    await node(["webpack.build.js", "--workerd"]);
    await runInWorkerd("dist-webpack-workerd");
  });
});
