/**
 * Random and mutated rings: whatever the bytes, the reader throws nothing but MediaError,
 * never loops forever, and never returns a frame larger than its slot. Seeded, so a
 * failure replays.
 */
import { describe, expect, it } from "bun:test";
import { readRingHeader, readSlot, RingCursor, ringBytes, RingWriter } from "../../../../src/media/shm/index.ts";
import { onlyMediaErrors, prng } from "../fixtures.ts";

const rand = prng(20_250_301);
const int = (n: number) => Math.floor(rand() * n);

function validRing(): Uint8Array {
  const slotCount = 2 ** (1 + int(4));
  const ring = new Uint8Array(ringBytes(slotCount, 128));
  const w = RingWriter.init(ring, { slotCount, slotSize: 128, generation: 1 + int(1000) });
  for (let n = int(3 * slotCount); n > 0; n--) {
    w.write({ data: new Uint8Array(int(64)).fill(n), timestampUs: n * 33_333, flags: int(2) });
  }
  return ring;
}

function readAll(ring: Uint8Array): void {
  const header = readRingHeader(ring);
  for (let i = 0; i < header.slotCount + 2; i++) {
    const r = readSlot(ring, header, int(2 ** 32));
    if (r.kind === "frame") expect(r.frame.data.byteLength).toBeLessThanOrEqual(header.slotSize - 64);
  }
  const c = new RingCursor(header);
  c.start(ring, int(2) ? 0 : int(1e6));
  const b = c.poll(ring);
  expect(b.frames.length).toBeLessThanOrEqual(header.slotCount);
}

describe("ring fuzzing", () => {
  it("reads 3000 random rings with only MediaError thrown", () => {
    for (let i = 0; i < 3000; i++) {
      const ring = new Uint8Array(int(2) ? int(700) : ringBytes(4, 128));
      for (let k = 0; k < ring.length; k++) ring[k] = rand() < 0.5 ? 0 : int(256);
      // Get past the magic, and often past the layout checks too.
      if (ring.length >= 16 && int(2)) ring.set([0x43, 0x53, 0x48, 0x4d, 1, 0, 64, 0, 4, 0, 0, 0, 128, 0, 0, 0].slice(0, int(2) ? 16 : 8), 0);
      onlyMediaErrors(() => readAll(ring));
    }
  });

  it("reads 3000 mutated valid rings with only MediaError thrown", () => {
    for (let i = 0; i < 3000; i++) {
      const ring = validRing();
      for (let k = 1 + int(12); k > 0; k--) ring[int(ring.length)] = int(256);
      onlyMediaErrors(() => readAll(ring));
    }
  });
});
