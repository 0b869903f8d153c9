/** BufferPool: smallest-fit reuse, sizes rounded to 16 KiB, views given back as their buffer, a bounded pool. */
import { describe, expect, it } from "bun:test";
import { BufferPool } from "../../../src/media/buffer-pool.ts";

describe("BufferPool", () => {
  it("makes a new buffer rounded up to 16 KiB when none is kept", () => {
    const pool = new BufferPool();
    expect(pool.take(1).byteLength).toBe(16 * 1024);
    expect(pool.take(16 * 1024 + 1).byteLength).toBe(32 * 1024);
  });

  it("hands back the smallest kept buffer that is large enough, given back as a view", () => {
    const pool = new BufferPool();
    const small = pool.take(10_000);
    const large = pool.take(100_000);
    pool.give(large.subarray(0, 5));
    pool.give(small.subarray(3, 9));
    expect(pool.kept).toBe(2);
    expect(pool.take(12_000).buffer).toBe(small.buffer);
    expect(pool.take(12_000).buffer).toBe(large.buffer);
    expect(pool.kept).toBe(0);
  });

  it("never keeps one buffer twice", () => {
    const pool = new BufferPool();
    const b = pool.take(1000);
    pool.give(b);
    pool.give(b.subarray(1));
    expect(pool.kept).toBe(1);
  });

  it("keeps at most maxKept buffers, dropping the smallest for a larger one", () => {
    const pool = new BufferPool(2);
    const [a, b, c] = [pool.take(1), pool.take(40_000), pool.take(70_000)];
    pool.give(a);
    pool.give(b);
    pool.give(c);
    expect(pool.kept).toBe(2);
    expect(pool.take(1).buffer).toBe(b.buffer);
    expect(pool.take(1).buffer).toBe(c.buffer);
    expect(pool.take(1).buffer).not.toBe(a.buffer);
  });
});
