import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Ports } from "../trial/protocol.js";
import { BENCH_DIR, BUILD_DIR } from "./build.js";

export interface LoadServer {
  readonly ports: Ports;
  /** The C server's binary, which is also the ceiling client; null when it is not in use. */
  readonly cBinary: string | null;
  /** Every server process; their CPU time is summed as "server". */
  readonly pids: readonly number[];
  /** What serves the plain services, for the report. */
  readonly description: string;
  stop(): Promise<void>;
}

const C_SOURCE = join(BENCH_DIR, "src", "server", "loadserver.c");
const C_BINARY = join(BUILD_DIR, "loadserver");

/** Compiles the C server when a C compiler is there; null (and why) otherwise. */
export function buildCServer(): { binary: string } | { reason: string } {
  if (process.platform !== "linux") return { reason: "not Linux (the C server uses epoll)" };
  if (existsSync(C_BINARY) && statSync(C_BINARY).mtimeMs >= statSync(C_SOURCE).mtimeMs) {
    return { binary: C_BINARY };
  }
  const cc = process.env.CC ?? "cc";
  const result = spawnSync(cc, ["-O2", "-o", C_BINARY, C_SOURCE], { encoding: "utf8" });
  if (result.status !== 0) {
    return {
      reason: `${cc} failed: ${(result.stderr || result.error?.message || "").trim().slice(0, 200)}`,
    };
  }
  return { binary: C_BINARY };
}

/** Starts a server process and resolves with the JSON object on its first stdout line. */
function spawnServer(
  command: string,
  args: string[],
): Promise<{ child: ChildProcess; first: unknown }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["pipe", "pipe", "inherit"] });
    let output = "";
    const onData = (text: string) => {
      output += text;
      const newline = output.indexOf("\n");
      if (newline === -1) return;
      child.stdout?.off("data", onData);
      child.off("exit", onExit);
      resolve({ child, first: JSON.parse(output.slice(0, newline)) });
    };
    const onExit = (code: number | null) =>
      reject(new Error(`${command} exited early (code ${code})`));
    child.stdout?.setEncoding("utf8");
    child.stdout?.on("data", onData);
    child.once("error", reject);
    child.once("exit", onExit);
  });
}

/**
 * Starts the load server: the TLS services (and, as a fallback, all of them)
 * in a Node process, the plain services in the C server when it builds.
 * Both exit when their stdin closes, so they cannot outlive the CLI;
 * `stop()` also signals them by PID and falls back to SIGKILL.
 */
export async function startLoadServer(
  certPath: string,
  keyPath: string,
  options: { nodeOnly?: boolean } = {},
): Promise<LoadServer> {
  const node = await spawnServer(process.execPath, [
    join(BUILD_DIR, "server.js"),
    certPath,
    keyPath,
  ]);
  const children = [node.child];
  let cBinary: string | null = null;
  let ports = (node.first as { ports: Ports }).ports;
  let description = `Node ${process.version} (node:net / node:tls) for every service`;
  const c = options.nodeOnly ? { reason: "--node-server" } : buildCServer();
  if ("binary" in c) {
    try {
      const plain = await spawnServer(c.binary, []);
      children.push(plain.child);
      ports = { ...ports, ...(plain.first as Pick<Ports, "echo" | "source" | "sink" | "hold">) };
      cBinary = c.binary;
      description = `C epoll server (src/server/loadserver.c) for the plain services; Node ${process.version} (node:tls) for TLS and STARTTLS`;
    } catch (error) {
      description += ` (the C server did not start: ${error instanceof Error ? error.message : error})`;
    }
  } else {
    description += ` (no C server: ${c.reason})`;
  }
  return {
    ports,
    cBinary,
    pids: children.map((child) => child.pid).filter((pid): pid is number => pid !== undefined),
    description,
    stop: () => Promise.all(children.map(stop)).then(() => {}),
  };
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill("SIGKILL"), 3_000);
    child.once("exit", () => {
      clearTimeout(kill);
      resolve();
    });
    child.stdin?.end();
    child.kill("SIGTERM");
  });
}
