import { defineProject } from "vitest/config";

export default defineProject({
  test: { name: "bun", include: ["test/**/*.test.ts"], pool: "forks" },
});
