/**
 * ConsumerQueue: the bounded queue between a pipeline and one consumer. Decoding starts at a
 * keyframe, memory is bounded by units and bytes, and a slow consumer loses frames up to its
 * next keyframe (never a P-frame whose reference was dropped) without blocking the pipeline.
 */
import { describe, expect, it } from "bun:test";
import type { AccessUnit } from "../../../src/media/access-unit.ts";
import { ConsumerQueue } from "../../../src/pipeline/consumer-queue.ts";

/** An access unit of `size` bytes: one IDR (type 5) or non-IDR (type 1) slice. */
function au(dts: number, isKeyframe: boolean, size = 8): AccessUnit {
  const slice = new Uint8Array(size);
  slice[0] = isKeyframe ? 0x65 : 0x41;
  return { nalus: [slice], dts, pts: dts, isKeyframe };
}
const idr = (dts: number, size?: number) => au(dts, true, size);
const p = (dts: number, size?: number) => au(dts, false, size);

/** "pending" when `promise` has not settled within `ms`. */
async function settledWithin<T>(promise: Promise<T>, ms: number): Promise<T | "pending"> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([promise, new Promise<"pending">((r) => (timer = setTimeout(() => r("pending"), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

async function drain(q: ConsumerQueue): Promise<AccessUnit[]> {
  const out: AccessUnit[] = [];
  while (q.length > 0) out.push((await q.next())!);
  return out;
}

describe("ConsumerQueue", () => {
  it("ignores units until the first keyframe so that decoding starts at one", async () => {
    const q = new ConsumerQueue();
    q.offer(p(0));
    q.offer(p(3000));
    expect(q.length).toBe(0);
    q.offer(idr(6000));
    q.offer(p(9000));
    const got = await drain(q);
    expect(got.map((a) => a.dts)).toEqual([6000, 9000]);
    expect(got[0]!.isKeyframe).toBe(true);
  });

  it("hands units out in the order they were offered", async () => {
    const q = new ConsumerQueue();
    const dts = [0, 3000, 6000, 9000, 12000];
    dts.forEach((d, i) => q.offer(au(d, i === 0 || i === 3)));
    expect((await drain(q)).map((a) => a.dts)).toEqual(dts);
  });

  it("holds at most maxUnits: on overflow it empties, counts the loss and skips to the next keyframe", async () => {
    const q = new ConsumerQueue({ maxUnits: 3 });
    q.offer(idr(0));
    q.offer(p(1));
    q.offer(p(2));
    expect(q.length).toBe(3);
    q.offer(p(3)); // the consumer is too slow
    expect(q.length).toBe(0);
    expect(q.dropped).toBe(4); // the three queued units and the one that did not fit
    q.offer(p(4));
    q.offer(p(5));
    expect(q.length).toBe(0); // a P-frame without its reference is useless
    q.offer(idr(6));
    q.offer(p(7));
    expect((await drain(q)).map((a) => a.dts)).toEqual([6, 7]);
  });

  it("keeps a keyframe that overflows the queue and drops only what was queued before it", async () => {
    const q = new ConsumerQueue({ maxUnits: 3 });
    q.offer(idr(0));
    q.offer(p(1));
    q.offer(p(2));
    q.offer(idr(3));
    expect(q.dropped).toBe(3);
    q.offer(p(4));
    expect((await drain(q)).map((a) => a.dts)).toEqual([3, 4]);
  });

  it("holds at most maxBytes of access units", async () => {
    const q = new ConsumerQueue({ maxUnits: 1000, maxBytes: 100 });
    q.offer(idr(0, 40));
    q.offer(p(1, 40));
    expect(q.length).toBe(2);
    q.offer(p(2, 40)); // 120 bytes would not fit
    expect(q.length).toBe(0);
    expect(q.dropped).toBe(3);
    q.offer(idr(3, 40));
    q.offer(p(4, 20));
    q.offer(p(5, 40)); // exactly 100 bytes fit
    expect(q.length).toBe(3);
  });

  it("frees the bytes of units taken out, so a consumer that keeps up never drops", async () => {
    const q = new ConsumerQueue({ maxUnits: 2, maxBytes: 100 });
    for (let i = 0; i < 50; i++) {
      q.offer(au(i, i % 10 === 0, 60));
      expect((await q.next())!.dts).toBe(i);
    }
    expect(q.dropped).toBe(0);
  });

  it("never exceeds its bounds and never delivers a unit after a gap unless it is a keyframe, under a random stream", async () => {
    let seed = 12345;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const q = new ConsumerQueue({ maxUnits: 8, maxBytes: 2000 });
    const bytes = (a: AccessUnit) => a.nalus.reduce((n, x) => n + x.byteLength, 0);
    const delivered: AccessUnit[] = [];
    for (let i = 0; i < 3000; i++) {
      q.offer(au(i, i % 15 === 0, 20 + Math.floor(rand() * 300)));
      expect(q.length).toBeLessThanOrEqual(8);
      const r = rand();
      if (r < 0.5 && q.length > 0) {
        delivered.push((await q.next())!); // a consumer that sometimes falls behind
      } else if (r < 0.55) {
        const all = await drain(q); // everything that was waiting fits the byte bound
        expect(all.reduce((n, a) => n + bytes(a), 0)).toBeLessThanOrEqual(2000);
        delivered.push(...all);
      }
    }
    delivered.push(...(await drain(q)));
    expect(q.dropped).toBeGreaterThan(0);
    expect(delivered[0]!.isKeyframe).toBe(true);
    for (let k = 1; k < delivered.length; k++) {
      const prev = delivered[k - 1]!;
      const cur = delivered[k]!;
      expect(cur.dts).toBeGreaterThan(prev.dts);
      if (cur.dts !== prev.dts + 1) expect(cur.isKeyframe).toBe(true);
    }
  });

  it("next() waits while the queue is empty and resolves with the unit offered", async () => {
    const q = new ConsumerQueue();
    const pending = q.next();
    expect(await settledWithin(pending, 20)).toBe("pending");
    q.offer(idr(42));
    const got = await settledWithin(pending, 1000);
    expect(got).not.toBe("pending");
    expect((got as AccessUnit).dts).toBe(42);
  });

  it("next() keeps waiting while only non-keyframes arrive before the first keyframe", async () => {
    const q = new ConsumerQueue();
    const pending = q.next();
    q.offer(p(1));
    expect(await settledWithin(pending, 20)).toBe("pending");
    q.offer(idr(2));
    expect(((await settledWithin(pending, 1000)) as AccessUnit).dts).toBe(2);
  });

  it("close() ends a waiting next() with undefined", async () => {
    const q = new ConsumerQueue();
    const pending = q.next();
    q.close();
    expect(await settledWithin(pending, 1000)).toBeUndefined();
  });

  it("after close() discards what was queued and ignores offers", async () => {
    const q = new ConsumerQueue();
    q.offer(idr(0));
    q.offer(p(1));
    q.close();
    expect(q.length).toBe(0);
    q.offer(idr(2));
    expect(q.length).toBe(0);
    expect(await settledWithin(q.next(), 1000)).toBeUndefined();
  });
});
