import { describe, expect, it } from "vitest";
import { CancelSource } from "../src/cancellation.js";

describe("CancelSource", () => {
  it("calls each listener once with the reason, and later listeners at once", () => {
    const source = new CancelSource();
    const seen: unknown[] = [];
    source.onCancel((reason) => seen.push(["a", reason]));
    source.onCancel((reason) => seen.push(["b", reason]));
    expect(source.cancelled).toBe(false);
    expect(() => source.throwIfCancelled()).not.toThrow();
    const reason = new Error("gone");
    source.cancel(reason);
    source.cancel(new Error("again"));
    expect(seen).toEqual([
      ["a", reason],
      ["b", reason],
    ]);
    source.onCancel((late) => seen.push(["late", late]));
    expect(seen.at(-1)).toEqual(["late", reason]);
    expect(source.cancelled).toBe(true);
    expect(source.reason).toBe(reason);
    expect(() => source.throwIfCancelled()).toThrow(reason);
  });

  it("does not call a listener removed before the cancel", () => {
    const source = new CancelSource();
    const seen: string[] = [];
    const first = () => seen.push("first");
    const second = () => seen.push("second");
    const third = () => seen.push("third");
    source.onCancel(first);
    source.offCancel(first);
    source.onCancel(second);
    source.onCancel(third);
    source.offCancel(second);
    source.cancel("why");
    expect(seen).toEqual(["third"]);
  });

  it("gives an AbortSignal that follows it, made before or after the cancel", () => {
    const before = new CancelSource();
    const signal = before.signal;
    expect(signal.aborted).toBe(false);
    before.cancel("early");
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe("early");

    const after = new CancelSource();
    after.cancel("late");
    expect(after.signal.aborted).toBe(true);
    expect(after.signal.reason).toBe("late");
  });
});
