/**
 * Positive controls for the suite's negative checks (issue 14's leftover):
 * a check that looks for the absence of something is only worth running if
 * it fails when that something does happen. Each test here makes it happen
 * and shows the check notices.
 */
import type { Connect, Socket } from "@sockets/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCase } from "../src/runner/run-cases.js";
import { cases, type SuiteContext } from "../src/suite/index.js";
import { isPending } from "../src/suite/io.js";

const UNHANDLED_CASE = "close: opened and closed never cause an unhandled rejection when ignored";

describe("isPending(promise, 100), the suite's 'has not settled' check", () => {
  it("is false for a promise that settles during the wait: fulfilled, rejected, or after a timer", async () => {
    expect(await isPending(Promise.resolve(), 100)).toBe(false);
    expect(await isPending(Promise.reject(new Error("settles")), 100)).toBe(false);
    expect(await isPending(new Promise((resolve) => setTimeout(resolve, 0)), 100)).toBe(false);
  });

  it("is true for a promise that does not settle during the wait", async () => {
    expect(await isPending(new Promise(() => {}), 100)).toBe(true);
  });
});

/**
 * A connect() with the defect the case looks for: the socket's `opened` and
 * `closed` reject, and nothing of the implementation handles them, so an
 * ignored socket leaves unhandled rejections. No network: the defect is in
 * the implementation, not in what it connects to.
 */
function connectLeakingRejections(handled: boolean): Connect {
  return ((address: string) => {
    const failure = () => {
      const promise = Promise.reject(new Error(`connection to ${address} failed`));
      if (handled) promise.catch(() => {});
      return promise;
    };
    const closed = failure();
    const socket: Partial<Socket> = {
      opened: failure() as Socket["opened"],
      closed,
      close: () => closed,
    };
    return socket as Socket;
  }) as Connect;
}

describe("the 'no unhandled rejection' case (200 ms)", () => {
  const testCase = cases.find((c) => c.name === UNHANDLED_CASE);
  let unhandled = 0;
  const count = () => {
    unhandled++;
  };
  // Counted the way the runners count (vitest.ts, entries.ts); vitest's own
  // listener, which would fail this file for the rejections made on purpose,
  // is set aside for the duration of each test and put back after.
  let vitestListeners: NodeJS.UnhandledRejectionListener[] = [];
  beforeEach(() => {
    vitestListeners = process.listeners("unhandledRejection");
    process.removeAllListeners("unhandledRejection");
    process.on("unhandledRejection", count);
  });
  afterEach(() => {
    process.off("unhandledRejection", count);
    for (const listener of vitestListeners) process.on("unhandledRejection", listener);
  });

  const contextWith = (connect: Connect): SuiteContext =>
    ({
      connect,
      runtime: "node",
      ports: { refused: 1, echo: 2 },
      unhandledRejections: () => unhandled,
    }) as unknown as SuiteContext;

  it("fails when an ignored socket's promises do reject unhandled", async () => {
    if (!testCase) throw new Error(`no case named ${UNHANDLED_CASE}`);
    const result = await runCase(testCase, contextWith(connectLeakingRejections(false)), undefined);
    expect(result.status).toBe("fail");
    expect(result.detail).toMatch(/unhandled rejections/);
  });

  it("passes when the same rejections are handled by the implementation", async () => {
    if (!testCase) throw new Error(`no case named ${UNHANDLED_CASE}`);
    const result = await runCase(testCase, contextWith(connectLeakingRejections(true)), undefined);
    expect(result.detail).toBeUndefined();
    expect(result.status).toBe("pass");
  });
});
