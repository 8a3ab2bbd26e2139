import { defineProject } from "vitest/config";

export default defineProject({
  test: { name: "deno", include: ["test/**/*.test.ts"], pool: "forks" },
});
