import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { workerdGaps } from "@sockets/conformance/gaps";
import { registerSubprocessSuite } from "@sockets/conformance/subprocess-vitest";
import { prepareWorkerdRun } from "@sockets/conformance/workerd";
import { afterAll } from "vitest";

// @sockets/connect inside workerd, bundled as wrangler would (conditions
// workerd, worker, browser): its "workerd" entry, i.e. @sockets/workers.
const dir = mkdtempSync(join(tmpdir(), "sockets-workerd-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

registerSubprocessSuite({
  runtime: "workerd",
  gaps: workerdGaps,
  spawn: (config) =>
    prepareWorkerdRun({
      runtime: "workerd",
      dir,
      ca: config.ca,
      nodePaths: [fileURLToPath(new URL("../node_modules", import.meta.url))],
      timeoutMs: 15 * 60_000,
    }).run,
});
