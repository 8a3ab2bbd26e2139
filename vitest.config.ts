import { defineConfig } from "vitest/config";

/**
 * One vitest run over every package, so the test command ends with one
 * summary. Forked workers: each test file gets its own process and event loop.
 */
export default defineConfig({
  test: {
    projects: ["packages/*", "apps/*"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    teardownTimeout: 20_000,
  },
});
