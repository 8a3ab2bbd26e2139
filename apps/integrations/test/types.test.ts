/**
 * Driver code written against @cloudflare/workers-types' `cloudflare:sockets`
 * type-checks unchanged against our `declare module "cloudflare:sockets"`
 * (fixtures/types/driver.ts), with the packed @sockets/connect.
 */
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { describeRun, runTool } from "../src/run.js";

const dir = inject("scratchDir");
const tsc = (project: string) =>
  runTool(
    process.execPath,
    [join(dir, "node_modules", "typescript", "bin", "tsc"), "-p", project],
    {
      cwd: join(dir, "types"),
    },
  );

describe("the cloudflare:sockets declarations", () => {
  it("the fixture is valid Workers code (checked against @cloudflare/workers-types)", async () => {
    const result = await tsc("tsconfig.workers-types.json");
    expect(result.code, describeRun(result)).toBe(0);
  });

  it("the same code type-checks against @sockets/connect/cloudflare-sockets", async () => {
    const result = await tsc("tsconfig.sockets.json");
    expect(result.code, describeRun(result)).toBe(0);
  });

  it("a misuse is still a type error (the declarations are not `any`)", async () => {
    const result = await runTool(
      process.execPath,
      [
        join(dir, "node_modules", "typescript", "bin", "tsc"),
        "--noEmit",
        "--strict",
        "--lib",
        "ES2022,DOM",
        "--module",
        "ESNext",
        "--moduleResolution",
        "Bundler",
        "--types",
        "@sockets/connect/cloudflare-sockets",
        "misuse.ts",
      ],
      { cwd: join(dir, "types") },
    );
    expect(result.code).not.toBe(0);
    expect(result.stdout).toMatch(/misuse\.ts.*TS2322|TS2345/);
  });
});
