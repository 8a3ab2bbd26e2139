import { describe, expect, it } from "vitest";
import { DefaultReadBuffer, MAX_READ_SIZE, MIN_READ_SIZE } from "../src/read-buffer.js";

/** Simulates a read of `n` bytes into the buffer and returns the chunk a reader gets. */
function read(buffer: DefaultReadBuffer, n: number): { into: Uint8Array; chunk: Uint8Array } {
  const into = buffer.take();
  into.fill(7, 0, Math.min(n, into.byteLength));
  return { into, chunk: buffer.chunk(Math.min(n, into.byteLength)) };
}

describe("DefaultReadBuffer", () => {
  it("starts small, so an idle socket's pending read holds 4 KiB", () => {
    expect(new DefaultReadBuffer().take().byteLength).toBe(MIN_READ_SIZE);
  });

  it("doubles while reads come back full, up to 64 KiB", () => {
    const buffer = new DefaultReadBuffer();
    const sizes: number[] = [];
    for (let i = 0; i < 8; i++) sizes.push(read(buffer, Number.MAX_SAFE_INTEGER).into.byteLength);
    expect(sizes).toEqual([4096, 8192, 16384, 32768, 65536, 65536, 65536, 65536]);
    expect(MAX_READ_SIZE).toBe(65536);
  });

  it("halves when reads come back under a quarter full, and keeps the buffer otherwise", () => {
    const buffer = new DefaultReadBuffer();
    for (let i = 0; i < 5; i++) read(buffer, Number.MAX_SAFE_INTEGER);
    const sizes: number[] = [];
    for (let i = 0; i < 6; i++) sizes.push(read(buffer, 100).into.byteLength);
    expect(sizes).toEqual([65536, 32768, 16384, 8192, 4096, 4096]);
    const kept = buffer.take();
    read(buffer, 1500);
    expect(buffer.take()).toBe(kept);
  });

  it("hands over a buffer at least half full without a copy, and copies shorter reads", () => {
    const buffer = new DefaultReadBuffer();
    const full = read(buffer, 2048);
    expect(full.chunk.buffer).toBe(full.into.buffer);
    expect(full.chunk.byteLength).toBe(2048);
    expect(buffer.take()).not.toBe(full.into);
    const short = read(buffer, 2047);
    expect(short.chunk.buffer).not.toBe(short.into.buffer);
    expect(short.chunk.buffer.byteLength).toBe(2047);
    expect([...short.chunk.subarray(0, 3)]).toEqual([7, 7, 7]);
  });

  it("never lets a chunk retain more than twice its length", () => {
    const buffer = new DefaultReadBuffer();
    for (const n of [1, 4096, 8192, 3000, 16384, 5000, 65536, 65536, 40000, 20000, 1, 32768]) {
      const { chunk } = read(buffer, n);
      expect(chunk.buffer.byteLength).toBeLessThanOrEqual(Math.max(2 * chunk.byteLength, 1));
    }
  });
});
