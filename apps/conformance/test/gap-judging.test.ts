/**
 * How a case's outcome is judged against its known gap: only the failure the
 * gap names counts as the gap; a pass, another error or another timeout fails.
 * The cases here are plain functions (no sockets): what is under test is the
 * judging in runner/run-cases.ts, which every runtime's run goes through.
 */
import { describe, expect, it } from "vitest";
import { runCase } from "../src/runner/run-cases.js";
import { rejectsCode } from "../src/suite/assert.js";
import type { KnownGap, SuiteContext, TestCase } from "../src/suite/index.js";
import { within } from "../src/suite/io.js";

const context = {} as SuiteContext;
const codeError = (code: string) =>
  Object.assign(new TypeError(`SocketError: ${code}`), { code, name: "SocketError" });
const testCase = (run: () => Promise<void>): TestCase => ({
  name: "t: case",
  timeoutMs: 5_000,
  run,
});
const gap = (fails: KnownGap["fails"]): KnownGap => ({
  category: "platform limit",
  fails,
  reason: "r",
});
const never = new Promise<never>(() => {});

describe("a case with a known gap", () => {
  it("is a gap when it fails with the code the gap names, directly or as an assertion's cause", async () => {
    const direct = testCase(async () => {
      throw codeError("ERR_CONNECTION_FAILED");
    });
    const asserted = testCase(async () => {
      await rejectsCode(
        Promise.reject(codeError("ERR_CONNECTION_FAILED")),
        "ERR_TLS_CERT",
        "opened",
      );
    });
    const expected = gap({ code: "ERR_CONNECTION_FAILED" });
    expect((await runCase(direct, context, expected)).status).toBe("gap");
    expect((await runCase(asserted, context, expected)).status).toBe("gap");
  });

  it("fails when it fails another way, or when what it expected to fail succeeds", async () => {
    const expected = gap({ code: "ERR_CONNECTION_FAILED" });
    const otherCode = testCase(async () => {
      throw codeError("ECONNREFUSED");
    });
    // The trusted-certificate experiment: the connection opens, so the assertion finds no error at all.
    const opened = testCase(async () => {
      await rejectsCode(Promise.resolve(), "ERR_TLS_CERT", "opened");
    });
    expect((await runCase(otherCode, context, expected)).status).toBe("fail");
    const result = await runCase(opened, context, expected);
    expect(result.status).toBe("fail");
    expect(result.detail).toMatch(/known gap that fails with code ERR_CONNECTION_FAILED/);
    expect(
      (
        await runCase(
          testCase(async () => {}),
          context,
          expected,
        )
      ).status,
    ).toBe("gap-passed");
  });

  it("matches a message pattern against 'Name [code]: message'", async () => {
    const run = testCase(async () => {
      throw codeError("ERR_X");
    });
    expect((await runCase(run, context, gap({ message: "^SocketError \\[ERR_X\\]" }))).status).toBe(
      "gap",
    );
    expect((await runCase(run, context, gap({ message: "^TypeError" }))).status).toBe("fail");
  });

  it("is a gap on a timeout only when the named wait expired", async () => {
    const waitsForClose = testCase(() => within(never, 50, "close()"));
    expect((await runCase(waitsForClose, context, gap({ timeout: "close()" }))).status).toBe("gap");
    expect((await runCase(waitsForClose, context, gap({ timeout: "opened" }))).status).toBe("fail");
    // The case's own bound expiring is named after the case, not after the wait the gap names.
    const hangs = { ...testCase(() => never), timeoutMs: 50 };
    expect((await runCase(hangs, context, gap({ timeout: "close()" }))).status).toBe("fail");
  });
});

describe("a case without a gap", () => {
  it("passes or fails on its own", async () => {
    expect(
      (
        await runCase(
          testCase(async () => {}),
          context,
          undefined,
        )
      ).status,
    ).toBe("pass");
    const failing = testCase(async () => {
      throw new Error("no");
    });
    expect((await runCase(failing, context, undefined)).status).toBe("fail");
  });
});
