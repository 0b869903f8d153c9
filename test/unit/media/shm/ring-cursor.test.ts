/**
 * The reader's cursor over a ring written by RingWriter: frames in order, a start at the
 * newest keyframe, the skip to the newest keyframe after falling behind, torn frames
 * counted, and the write index crossing 2^32.
 */
import { describe, expect, it } from "bun:test";
import { FLAG_KEYFRAME, readRingHeader, RingCursor, ringBytes, RingWriter } from "../../../../src/media/shm/index.ts";
import { RacingRing } from "./racing-ring.ts";

function setup(slotCount = 8, firstIndex = 0) {
  const ring = new RacingRing(ringBytes(slotCount, 128));
  const writer = RingWriter.init(ring, { slotCount, slotSize: 128, generation: 3, firstIndex });
  let n = 0;
  /** Writes frames; every `gop`-th is a keyframe (counting from 0). */
  const write = (count: number, gop = 4) => {
    for (let i = 0; i < count; i++, n++) {
      writer.write({ data: Uint8Array.of(n & 0xff), timestampUs: 1000 * n, frameNumber: n, flags: n % gop === 0 ? FLAG_KEYFRAME : 0 });
    }
  };
  const cursor = () => new RingCursor(readRingHeader(ring));
  return { ring, writer, write, cursor };
}

const numbers = (b: { frames: { frameNumber: number }[] }) => b.frames.map((f) => f.frameNumber);

describe("ring cursor", () => {
  it("starts at the newest keyframe and then reads every new frame once, in order", () => {
    const { ring, write, cursor } = setup();
    write(6); // keyframes 0 and 4
    const c = cursor();
    c.start(ring);
    const first = c.poll(ring);
    expect(numbers(first)).toEqual([4, 5]);
    expect(first.frames.map((f) => f.afterLoss)).toEqual([true, false]);
    expect(numbers(c.poll(ring))).toEqual([]);
    write(3);
    expect(numbers(c.poll(ring))).toEqual([6, 7, 8]);
  });

  it("starts after the newest frame when the ring holds no keyframe young enough", () => {
    const { ring, write, cursor } = setup();
    write(6);
    const c = cursor();
    c.start(ring, 4500); // keyframe 4 was captured at 4000 us
    expect(numbers(c.poll(ring))).toEqual([]);
    write(2);
    expect(numbers(c.poll(ring))).toEqual([6, 7]);
  });

  it("skips to the newest keyframe and counts the loss after falling behind", () => {
    const { ring, write, cursor } = setup(8);
    write(1);
    const c = cursor();
    c.start(ring);
    expect(numbers(c.poll(ring))).toEqual([0]);
    write(19); // frames 1..19; the ring holds 12..19, keyframes 12 and 16
    const b = c.poll(ring);
    expect(numbers(b)).toEqual([16, 17, 18, 19]);
    expect(b.skippedBehind).toBe(15);
    expect(b.frames[0]!.afterLoss).toBe(true);
  });

  it("resumes at the newest frame when no keyframe survived", () => {
    const { ring, write, cursor } = setup(4);
    write(1);
    const c = cursor();
    c.start(ring);
    c.poll(ring);
    write(20, 100); // no keyframe after frame 0
    const b = c.poll(ring);
    expect(b.frames).toEqual([]);
    expect(b.skippedBehind).toBe(20);
    write(2, 100);
    const next = c.poll(ring);
    expect(numbers(next)).toEqual([21, 22]);
    expect(next.frames[0]!.afterLoss).toBe(true);
  });

  it("counts a frame overwritten while it was copied and marks the next one", () => {
    const { ring, write, cursor } = setup(4);
    write(1);
    const c = cursor();
    c.start(ring);
    c.poll(ring);
    write(3); // frames 1..3; the cursor reads frame 1 next
    ring.during = () => write(2); // frames 4 and 5: frame 5 lands in frame 1's slot during its copy
    const b = c.poll(ring);
    expect(b.skippedTorn).toBe(1);
    expect(numbers(b)).toEqual([2, 3, 4, 5]);
    expect(b.frames[0]!.afterLoss).toBe(true);
  });

  it("reads across the write index wrap at 2^32", () => {
    const { ring, write, cursor } = setup(8, 0xffff_fffd);
    write(1);
    const c = cursor();
    c.start(ring);
    expect(numbers(c.poll(ring))).toEqual([0]);
    write(5);
    const b = c.poll(ring);
    expect(numbers(b)).toEqual([1, 2, 3, 4, 5]);
    expect(b.frames.map((f) => f.index)).toEqual([0xffff_fffe, 0xffff_ffff, 0, 1, 2]);
    expect(c.position).toBe(3);
  });

  it("starts over when the write index goes back", () => {
    const { ring, write, cursor } = setup(8);
    write(6);
    const c = cursor();
    c.start(ring);
    c.poll(ring);
    RingWriter.init(ring, { slotCount: 8, slotSize: 128, generation: 3 }); // same generation, index 0
    const b = c.poll(ring);
    expect(b.frames).toEqual([]);
    expect(c.position).toBe(0);
  });
});
