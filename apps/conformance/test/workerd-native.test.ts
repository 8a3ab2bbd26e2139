import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { workerdNativeGaps } from "../src/gaps/workerd-native.js";
import { registerSubprocessSuite } from "../src/subprocess-vitest.js";
import { prepareWorkerdRun } from "../src/workerd/run.js";

// The reference: the same suite against workerd's own cloudflare:sockets, with
// nothing of ours in between. Its gap list records where workerd itself
// differs from the behaviour we specify.
const dir = mkdtempSync(join(tmpdir(), "sockets-workerd-native-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

registerSubprocessSuite({
  runtime: "workerd-native",
  gaps: workerdNativeGaps,
  spawn: (config) =>
    prepareWorkerdRun({ runtime: "workerd-native", dir, ca: config.ca, timeoutMs: 15 * 60_000 })
      .run,
});
