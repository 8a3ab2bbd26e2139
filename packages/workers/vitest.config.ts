import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "workers",
    include: ["test/**/*.test.ts"],
    pool: "forks",
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
