import { fileURLToPath } from "node:url";
import { bunGaps } from "@sockets/conformance/gaps";
import { registerSubprocessSuite } from "@sockets/conformance/subprocess-vitest";

// The bun binary this package pins (devDependency "bun"), and the entry it runs.
const bun = fileURLToPath(new URL("../node_modules/.bin/bun", import.meta.url));
const entry = fileURLToPath(new URL("./entry.ts", import.meta.url));

registerSubprocessSuite({
  runtime: "bun",
  gaps: bunGaps,
  spawn: () => ({ command: bun, args: ["run", entry], timeoutMs: 15 * 60_000 }),
});
