import { spawn } from "node:child_process";
import type { RunConfig } from "./protocol.js";
import { CONFIG_ENV, DONE_PREFIX, RESULT_PREFIX } from "./protocol.js";
import type { CaseResult } from "./run-cases.js";

export interface SubprocessRun {
  command: string;
  args: string[];
  cwd?: string;
  env?: Record<string, string>;
  /** Upper bound for the whole run; the child is killed (SIGTERM, then SIGKILL) past it. */
  timeoutMs: number;
}

export interface SubprocessOutcome {
  results: CaseResult[];
  /** True when the child printed its done line. */
  completed: boolean;
  /** How many results the done line says were reported (null without one). */
  reported: number | null;
  exitCode: number | null;
  /** The tail of what the child printed that was not a result line, for diagnosis. */
  log: string;
}

/**
 * Runs the suite in another runtime's process: the configuration goes in
 * through the environment, results come back as lines on stdout.
 */
export function runSubprocess(
  run: SubprocessRun,
  config: RunConfig | Record<string, unknown>,
): Promise<SubprocessOutcome> {
  return new Promise((resolve) => {
    const child = spawn(run.command, run.args, {
      cwd: run.cwd,
      env: { ...process.env, ...run.env, [CONFIG_ENV]: JSON.stringify(config) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const results: CaseResult[] = [];
    let completed = false;
    let reported: number | null = null;
    let log = "";
    let pending = "";
    const keepLog = (text: string) => {
      log = (log + text).slice(-20_000);
    };
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (text: string) => {
      pending += text;
      let newline = pending.indexOf("\n");
      while (newline !== -1) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        if (line.startsWith(RESULT_PREFIX))
          results.push(JSON.parse(line.slice(RESULT_PREFIX.length)));
        else if (line.startsWith(DONE_PREFIX)) {
          completed = true;
          const count = (JSON.parse(line.slice(DONE_PREFIX.length)) as { count?: unknown }).count;
          reported = typeof count === "number" ? count : null;
        } else keepLog(`${line}\n`);
        newline = pending.indexOf("\n");
      }
    });
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", keepLog);
    let killTimer: ReturnType<typeof setTimeout> | undefined;
    const timer = setTimeout(() => {
      keepLog(`\n[orchestrator] ${run.command} ran past ${run.timeoutMs} ms: stopping it\n`);
      child.kill("SIGTERM");
      // A runtime stuck on an open connection may ignore SIGTERM.
      killTimer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    }, run.timeoutMs);
    child.on("error", (error) => {
      keepLog(`\n[orchestrator] could not start ${run.command}: ${error.message}\n`);
    });
    child.on("close", (exitCode) => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      resolve({ results, completed, reported, exitCode, log });
    });
  });
}
