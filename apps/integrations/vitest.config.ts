import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "integrations",
    include: ["test/**/*.test.ts"],
    pool: "forks",
    // Real tools and runtimes on a shared 2-core machine: generous bounds.
    testTimeout: 180_000,
    hookTimeout: 600_000,
    // One scratch project from packed tarballs, shared by every file.
    globalSetup: ["test/global-setup.ts"],
  },
});
