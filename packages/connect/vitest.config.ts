import { defineProject } from "vitest/config";

export default defineProject({
  test: { name: "connect", include: ["test/**/*.test.ts"], pool: "forks" },
});
