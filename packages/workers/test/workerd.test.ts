import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createTestPki, type RunningServers, startServers } from "@sockets/conformance/servers";
import { prepareWorker, runSubprocess, type SubprocessOutcome } from "@sockets/conformance/workerd";
import { afterAll, beforeAll, expect, it } from "vitest";

// What @sockets/workers itself adds to cloudflare:sockets, checked inside a
// real workerd (`workerd test`) against loopback servers in this process. The
// shared conformance suite runs on workerd from apps/consumer (through
// @sockets/connect, as an application bundles it).
const packageDir = fileURLToPath(new URL("..", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "sockets-workers-"));
let servers: RunningServers | undefined;
let outcome: SubprocessOutcome | undefined;

beforeAll(async () => {
  servers = await startServers(await createTestPki());
  const { run, inputs } = prepareWorker({
    dir,
    entry: join(packageDir, "test/workerd/specifics.worker.ts"),
    name: "specifics",
    ca: servers.pki.ca.cert,
    absWorkingDir: packageDir,
    timeoutMs: 5 * 60_000,
  });
  expect(inputs.some((file) => file.endsWith("src/socket.ts"))).toBe(true);
  const config = { ports: servers.ports, ca: servers.pki.ca.cert, clientCert: servers.pki.client };
  outcome = await runSubprocess(run, config);
}, 6 * 60_000);

afterAll(async () => {
  await servers?.close();
  rmSync(dir, { recursive: true, force: true });
});

it("the checks ran to the end inside workerd, each reporting one result", () => {
  expect(outcome?.completed, `workerd output:\n${outcome?.log}`).toBe(true);
  expect(outcome?.results.length).toBeGreaterThan(0);
  expect(outcome?.results.length).toBe(outcome?.reported);
});

it("every check passes", () => {
  const failed = (outcome?.results ?? []).filter((r) => r.status !== "pass");
  expect(failed.map((r) => `${r.name}: ${r.detail}`)).toEqual([]);
});
