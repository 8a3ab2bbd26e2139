import { spawn } from "node:child_process";

/**
 * A detached shell that runs `stopCommand` and removes `root` once this
 * process is gone, however it ended (SIGKILL, a signal while a synchronous
 * child ran, a crash): what the suite started never outlives it.
 */
export function startWatchdog(stopCommand: string[], root: string): { stop(): void } {
  const quote = (arg: string) => `'${arg.replaceAll("'", "'\\''")}'`;
  const script = `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; ${stopCommand.map(quote).join(" ")} >/dev/null 2>&1; rm -rf ${quote(root)}`;
  const child = spawn("sh", ["-c", script], { detached: true, stdio: "ignore" });
  child.unref();
  return {
    stop() {
      if (child.pid !== undefined && child.exitCode === null) {
        try {
          process.kill(child.pid, "SIGTERM");
        } catch {
          // Already gone.
        }
      }
    },
  };
}
