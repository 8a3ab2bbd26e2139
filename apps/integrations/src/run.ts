/**
 * Runs one tool or runtime as a child process, bounded in time: on timeout it
 * is killed by its own PID (SIGKILL), never by name.
 */
import { execFile } from "node:child_process";

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd: string;
  env?: Record<string, string>;
  /** Generous: the machine is shared and tools are slow to start. */
  timeoutMs?: number;
}

export function runTool(command: string, args: string[], options: RunOptions): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      {
        cwd: options.cwd,
        env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0", ...options.env },
        timeout: options.timeoutMs ?? 180_000,
        killSignal: "SIGKILL",
        maxBuffer: 32 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** What the fixture printed (`FIXTURE_RESULT {json}` lines), in order. */
export interface FixtureResult {
  via?: string;
  runtime?: string;
  dynamicRuntime?: string;
  sameModule: boolean;
  plain: string;
  tls: string;
}

export function fixtureResults(output: string): FixtureResult[] {
  return output
    .split("\n")
    .filter((line) => line.includes("FIXTURE_RESULT "))
    .map((line) => JSON.parse(line.slice(line.indexOf("FIXTURE_RESULT ") + 15)) as FixtureResult);
}

/** The one line a failing run is reported with. */
export function describeRun(result: RunResult): string {
  return `exit ${result.code}\n--- stdout\n${result.stdout.slice(-4000)}\n--- stderr\n${result.stderr.slice(-4000)}`;
}
