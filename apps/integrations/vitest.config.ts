import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "integrations",
    include: ["test/**/*.test.ts"],
    pool: "forks",
    // One scratch project from packed tarballs, shared by every file.
    globalSetup: ["test/global-setup.ts"],
  },
});
