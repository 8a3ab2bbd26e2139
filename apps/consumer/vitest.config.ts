import { defineProject } from "vitest/config";

export default defineProject({
  test: { name: "consumer", include: ["test/**/*.test.ts"], pool: "forks" },
});
