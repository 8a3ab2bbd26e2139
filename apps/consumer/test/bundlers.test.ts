/**
 * The bundler check: one tiny application (fixtures/bundlers/app.js, which
 * imports `connect` and `runtime` from "@sockets/connect") built with esbuild,
 * Vite (Rollup, SSR build) and webpack, for Node and for Workers (the
 * `workerd` condition, as wrangler and @cloudflare/vite-plugin resolve).
 * Each build must pick the right backend and only that one, keep
 * `cloudflare:sockets` as an import for workerd to provide, and run: the Node
 * bundles under node, the Workers bundles inside workerd, both echoing
 * through a loopback server.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  prepareBundleRun,
  type RunConfig,
  runSubprocess,
  WRANGLER_CONDITIONS,
} from "@sockets/conformance/workerd";
import { build as esbuild } from "esbuild";
import { build as viteBuild } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import webpack from "webpack";

type Target = "node" | "workerd";
type Bundler = "esbuild" | "vite" | "webpack";

interface Built {
  /** The bundle file. */
  file: string;
  /** Absolute paths of the modules the bundler put in it. */
  modules: string[];
}

const fixtures = fileURLToPath(new URL("./fixtures/bundlers/", import.meta.url));
const entryFor = (target: Target) => join(fixtures, `${target}-entry.js`);
const out = mkdtempSync(join(tmpdir(), "sockets-bundlers-"));

/** Which @sockets backend packages a bundle contains (by the modules' real paths). */
function backendsIn(modules: string[]): string[] {
  const found = new Set<string>();
  for (const file of modules) {
    const match = /(?:packages|@sockets)[/\\](node|deno|bun|workers)[/\\]dist[/\\]/.exec(file);
    if (match?.[1]) found.add(match[1]);
  }
  return [...found].sort();
}

const builders: Record<Bundler, (target: Target, dir: string) => Promise<Built>> = {
  async esbuild(target, dir) {
    const file = join(dir, "bundle.mjs");
    const result = await esbuild({
      entryPoints: [entryFor(target)],
      outfile: file,
      bundle: true,
      format: "esm",
      target: "es2022",
      metafile: true,
      logLevel: "silent",
      ...(target === "node"
        ? { platform: "node" as const }
        : // wrangler's settings (workers-sdk getBuildConditions): platform browser, these conditions.
          {
            platform: "browser" as const,
            conditions: WRANGLER_CONDITIONS,
            external: ["cloudflare:*"],
          }),
    });
    return {
      file,
      modules: Object.keys(result.metafile.inputs).map((p) => join(process.cwd(), p)),
    };
  },

  async vite(target, dir) {
    const output = await viteBuild({
      configFile: false,
      logLevel: "silent",
      root: fixtures,
      build: {
        ssr: entryFor(target),
        outDir: dir,
        emptyOutDir: false,
        minify: false,
        rollupOptions: {
          output: { format: "es", entryFileNames: "bundle.mjs" },
          ...(target === "workerd" ? { external: [/^cloudflare:/] } : {}),
        },
      },
      ssr:
        target === "node"
          ? { target: "node", noExternal: true }
          : {
              target: "webworker",
              noExternal: true,
              // @cloudflare/vite-plugin's defaultConditions.
              resolve: { conditions: ["workerd", "worker", "module", "browser"] },
            },
    });
    const first = (Array.isArray(output) ? output[0] : output) as {
      output: { type: string; moduleIds?: string[] }[];
    };
    const chunk = first.output.find((o) => o.type === "chunk");
    return { file: join(dir, "bundle.mjs"), modules: chunk?.moduleIds ?? [] };
  },

  async webpack(target, dir) {
    const compiler = webpack({
      mode: "none",
      devtool: false,
      context: fixtures,
      entry: entryFor(target),
      target: target === "node" ? "node" : "webworker",
      experiments: { outputModule: true },
      output: { path: dir, filename: "bundle.mjs", module: true, library: { type: "module" } },
      optimization: { concatenateModules: false },
      ...(target === "node"
        ? { externalsPresets: { node: true } }
        : {
            resolve: {
              conditionNames: ["workerd", "worker", "browser", "import", "module", "default"],
            },
            externals: { "cloudflare:sockets": "module cloudflare:sockets" },
          }),
    });
    const stats = await new Promise<webpack.Stats>((resolve, reject) =>
      compiler.run((error, result) => {
        compiler.close(() => {});
        if (error || !result) reject(error ?? new Error("webpack returned no stats"));
        else if (result.hasErrors())
          reject(new Error(result.toString({ all: false, errors: true })));
        else resolve(result);
      }),
    );
    const modules = [...stats.compilation.modules]
      .map((m) => (m as { resource?: string }).resource)
      .filter((r): r is string => typeof r === "string");
    return { file: join(dir, "bundle.mjs"), modules };
  },
};

let server: Server;
let echoPort = 0;

beforeAll(async () => {
  server = createServer({ allowHalfOpen: true }, (socket) => {
    socket.on("error", () => {});
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  echoPort = typeof address === "object" && address ? address.port : 0;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(out, { recursive: true, force: true });
});

function runNode(file: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [file, String(echoPort)],
      { timeout: 60_000, killSignal: "SIGKILL" },
      (error, stdout, stderr) => {
        resolve({ code: error ? ((error.code as number | undefined) ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

const CLOUDFLARE_IMPORT = /(?:from\s*|import\s*\(\s*|import\s+)["']cloudflare:sockets["']/;

describe.each(["esbuild", "vite", "webpack"] as const)("%s", (bundler) => {
  it("builds for Node: the node backend alone, and it runs", async () => {
    const dir = join(out, `${bundler}-node`);
    mkdirSync(dir, { recursive: true });
    const built = await builders[bundler]("node", dir);
    expect(backendsIn(built.modules)).toEqual(["node"]);
    const code = readFileSync(built.file, "utf8");
    expect(code).not.toContain("cloudflare:sockets");
    expect(code).not.toMatch(/Bun\.connect|Deno\.connect|Deno\.startTls/);
    const { code: exit, stdout, stderr } = await runNode(built.file);
    expect(stderr).toBe("");
    expect(exit).toBe(0);
    expect(stdout.trim()).toBe("via node");
  }, 120_000);

  it("builds for Workers (workerd condition): the workers backend alone, cloudflare:sockets external, and it runs in workerd", async () => {
    const dir = join(out, `${bundler}-workerd`);
    mkdirSync(dir, { recursive: true });
    const built = await builders[bundler]("workerd", dir);
    expect(backendsIn(built.modules)).toEqual(["workers"]);
    const code = readFileSync(built.file, "utf8");
    expect(code).toMatch(CLOUDFLARE_IMPORT);
    expect(code).not.toMatch(/["']node:(net|tls)["']/);
    const run = prepareBundleRun({ dir, bundle: "bundle.mjs", name: "bundle", timeoutMs: 60_000 });
    const outcome = await runSubprocess(run, { echoPort } as unknown as RunConfig);
    expect(outcome.completed, outcome.log).toBe(true);
    expect(outcome.results[0]?.detail).toBe("via workerd");
  }, 120_000);
});
