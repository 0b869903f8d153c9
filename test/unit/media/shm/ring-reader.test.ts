/**
 * Torn-read detection of the ring reader (the seqlock of infra/shm/camserver_shm.h): a
 * writer that acts while the reader copies a slot is simulated by a ring whose `slice`
 * (the reader's one copy) runs the writer first, so every interleaving is deterministic.
 */
import { describe, expect, it } from "bun:test";
import { InvalidFieldError } from "../../../../src/media/errors.ts";
import { FLAG_KEYFRAME, findNewestKeyframe, readRingHeader, readSlot, ringBytes, RingWriter, SlotField, slotOffset } from "../../../../src/media/shm/index.ts";
import { RacingRing } from "./racing-ring.ts";

function setup(slotCount = 4, slotSize = 256) {
  const ring = new RacingRing(ringBytes(slotCount, slotSize));
  const writer = RingWriter.init(ring, { slotCount, slotSize, generation: 1 });
  const header = readRingHeader(ring);
  const frame = (n: number, key = false) =>
    writer.write({ data: new Uint8Array(100).fill(n), timestampUs: 1000 + n, frameNumber: n, flags: key ? FLAG_KEYFRAME : 0 });
  return { ring, writer, header, frame };
}

describe("ring slot reader", () => {
  it("copies a frame that nobody writes to", () => {
    const { ring, header, frame } = setup();
    frame(0, true);
    const r = readSlot(ring, header, 0);
    expect(r.kind).toBe("frame");
    if (r.kind !== "frame") return;
    expect(r.frame).toMatchObject({ index: 0, frameNumber: 0, timestampUs: 1000, format: 3, flags: 1 });
    expect(r.frame.data).toEqual(new Uint8Array(100).fill(0));
    ring.fill(9, 64 + 64, 64 + 164); // the copy is private
    expect(r.frame.data[0]).toBe(0);
  });

  it("skips a slot the writer overwrote completely while it was copied", () => {
    const { ring, header, frame } = setup();
    for (let n = 0; n < 3; n++) frame(n);
    ring.during = () => frame(3) && frame(4); // frame 4 lands in frame 0's slot
    expect(readSlot(ring, header, 0).kind).toBe("torn");
  });

  it("skips a slot the writer started to overwrite while it was copied", () => {
    const { ring, header, frame } = setup();
    for (let n = 0; n < 4; n++) frame(n);
    const at = slotOffset(header, 0);
    const dv = new DataView(ring.buffer);
    ring.during = () => {
      dv.setUint32(at + SlotField.seqBegin, dv.getUint32(at + SlotField.seqBegin, true) + 1, true); // odd: writing
      ring.fill(7, at + 64, at + 114); // half of the new payload
    };
    expect(readSlot(ring, header, 0).kind).toBe("torn");
  });

  it("skips a slot whose write is under way when the reader starts", () => {
    const { ring, header, frame } = setup();
    frame(0);
    const at = slotOffset(header, 0);
    const dv = new DataView(ring.buffer);
    dv.setUint32(at + SlotField.seqBegin, 3, true);
    expect(readSlot(ring, header, 0).kind).toBe("torn");
  });

  it("skips a slot whose data_size changed between the load and the copy", () => {
    const { ring, header, frame } = setup();
    frame(0);
    const at = slotOffset(header, 0);
    ring.during = () => new DataView(ring.buffer).setUint32(at + SlotField.dataSize, 50, true);
    expect(readSlot(ring, header, 0).kind).toBe("torn");
  });

  it("reports a slot that already holds a later frame as overwritten", () => {
    const { ring, header, frame } = setup();
    for (let n = 0; n < 6; n++) frame(n);
    expect(readSlot(ring, header, 1)).toEqual({ kind: "overwritten", holds: 5 });
  });

  it("refuses a consistently written slot that declares more data than it holds", () => {
    const { ring, header, frame } = setup();
    frame(0);
    new DataView(ring.buffer).setUint32(slotOffset(header, 0) + SlotField.dataSize, 10_000, true);
    expect(() => readSlot(ring, header, 0)).toThrow(InvalidFieldError);
  });

  it("finds the newest flagged keyframe and stops at frames older than asked", () => {
    const { ring, header, frame } = setup(8);
    frame(0, true);
    frame(1);
    frame(2, true);
    frame(3);
    frame(4);
    expect(findNewestKeyframe(ring, header, 5)).toBe(2);
    expect(findNewestKeyframe(ring, header, 5, 1003)).toBe(-1);
    expect(findNewestKeyframe(ring, header, 2)).toBe(0);
  });

  it("finds no keyframe once the flagged one was overwritten", () => {
    const { ring, header, frame } = setup(4);
    frame(0, true);
    for (let n = 1; n < 6; n++) frame(n);
    expect(findNewestKeyframe(ring, header, 6)).toBe(-1);
  });
});
