/**
 * Exits once everything written to stdout has reached it. `process.exit()`
 * does not wait for pending writes to stdout (Node's process.exit docs); CI
 * once lost the matrix's last lines, "N passed, N failed" included, so
 * scripts/task.mjs counted none of its results. An empty write's callback
 * runs after every earlier write has been handed to the pipe.
 */
export function exitAfterOutput(code: number): void {
  process.exitCode = code;
  process.stdout.write("", () => process.exit(code));
}
