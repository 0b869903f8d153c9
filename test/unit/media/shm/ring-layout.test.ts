/**
 * The ring layout byte for byte: header and slot bytes written by hand from the table in
 * infra/shm/camserver_shm.h (test/integration/shm-c-writer.test.ts checks that the C
 * header's camserver_shm_write produces the same bytes), and every header the reader refuses.
 */
import { describe, expect, it } from "bun:test";
import { InvalidFieldError, TruncatedError } from "../../../../src/media/errors.ts";
import {
  FLAG_KEYFRAME,
  FrameFormat,
  formatName,
  readRingHeader,
  readWriteIndex,
  ringBytes,
  RingNotReadyError,
  RingWriter,
  sameLayout,
} from "../../../../src/media/shm/index.ts";
import { hex, toHex } from "../fixtures.ts";

const HEADER_4X128 = "4353484d 0100 4000 04000000 80000000 01000000 07000000 34120000" + "00".repeat(36);
const SLOT_0 =
  "02000000 00000000 2a00000000000000 7bca9a3b00000000 05000000 40010000 f0000000 03000000 01000000 08000000 02000000" + "00".repeat(12) + "0000000165888400";

function ringWithOneFrame(): Uint8Array {
  const ring = new Uint8Array(ringBytes(4, 128));
  const w = RingWriter.init(ring, { slotCount: 4, slotSize: 128, generation: 7, writerPid: 0x1234 });
  w.write({
    data: hex("0000000165888400"),
    timestampUs: 1_000_000_123,
    frameNumber: 42,
    cameraId: 5,
    width: 320,
    height: 240,
    flags: FLAG_KEYFRAME,
  });
  return ring;
}

/** A zeroed ring of `total` bytes that starts with the 64-byte header given in hex. */
function headerBytes(hexHeader: string, total: number): Uint8Array {
  const ring = new Uint8Array(total);
  ring.set(hex(hexHeader));
  return ring;
}

describe("ring layout", () => {
  it("writes the header and a slot exactly as the C header's table says", () => {
    const ring = ringWithOneFrame();
    expect(toHex(ring.subarray(0, 64))).toBe(HEADER_4X128.replace(/\s/g, ""));
    expect(toHex(ring.subarray(64, 64 + 72))).toBe(SLOT_0.replace(/\s/g, ""));
    expect(ring.subarray(64 + 72).every((b) => b === 0)).toBe(true);
  });

  it("reads back the header it wrote", () => {
    const ring = ringWithOneFrame();
    expect(readRingHeader(ring)).toEqual({ slotCount: 4, slotSize: 128, generation: 7, writerPid: 0x1234, ringBytes: 576 });
    expect(readWriteIndex(ring)).toBe(1);
  });

  const good = HEADER_4X128.replace(/\s/g, "");
  const patch = (at: number, bytes: string) => good.slice(0, at * 2) + bytes + good.slice(at * 2 + bytes.length);
  const refused: { why: string; bytes: Uint8Array; error: new (...a: never[]) => Error; field?: string }[] = [
    { why: "a file shorter than the header", bytes: new Uint8Array(10), error: RingNotReadyError },
    { why: "an empty file", bytes: new Uint8Array(0), error: RingNotReadyError },
    { why: "magic 0 (being laid out)", bytes: headerBytes(patch(0, "00000000"), 576), error: RingNotReadyError },
    { why: "another magic", bytes: headerBytes(patch(0, "58585858"), 576), error: InvalidFieldError, field: "magic" },
    { why: "version 2", bytes: headerBytes(patch(4, "0200"), 576), error: InvalidFieldError, field: "version" },
    { why: "header_size 32", bytes: headerBytes(patch(6, "2000"), 576), error: InvalidFieldError, field: "header_size" },
    { why: "slot_count 3 (not a power of two)", bytes: headerBytes(patch(8, "03000000"), 576), error: InvalidFieldError, field: "slot_count" },
    { why: "slot_count 1", bytes: headerBytes(patch(8, "01000000"), 576), error: InvalidFieldError, field: "slot_count" },
    { why: "slot_count 131072", bytes: headerBytes(patch(8, "00000200"), 576), error: InvalidFieldError, field: "slot_count" },
    { why: "slot_size 100", bytes: headerBytes(patch(12, "64000000"), 576), error: InvalidFieldError, field: "slot_size" },
    { why: "slot_size 64 (no room for data)", bytes: headerBytes(patch(12, "40000000"), 576), error: InvalidFieldError, field: "slot_size" },
    { why: "a file shorter than its slots", bytes: headerBytes(good, 575), error: TruncatedError },
  ];
  for (const c of refused) {
    it(`refuses ${c.why}`, () => {
      let thrown: unknown;
      try {
        readRingHeader(c.bytes);
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(c.error);
      if (c.field) expect((thrown as InvalidFieldError).field).toBe(c.field);
    });
  }

  it("sees a new generation, layout or magic as a different layout", () => {
    const ring = ringWithOneFrame();
    const header = readRingHeader(ring);
    expect(sameLayout(ring, header)).toBe(true);
    RingWriter.init(ring, { slotCount: 4, slotSize: 128, generation: 8 });
    expect(sameLayout(ring, header)).toBe(false);
    RingWriter.init(ring, { slotCount: 2, slotSize: 128, generation: 7 });
    expect(sameLayout(ring, header)).toBe(false);
    ring[0] = 0;
    expect(sameLayout(ring, readRingHeader(ringWithOneFrame()))).toBe(false);
  });

  it("names the frame formats", () => {
    expect([0, 1, 2, 3, 9].map(formatName)).toEqual(["JPEG", "NV12", "RGB", "H264", "format 9"]);
    expect(FrameFormat.H264).toBe(3);
  });

  it("refuses to lay out a ring that does not fit its buffer or has a bad layout", () => {
    expect(() => RingWriter.init(new Uint8Array(500), { slotCount: 4, slotSize: 128, generation: 1 })).toThrow("exceeds");
    expect(() => RingWriter.init(new Uint8Array(4096), { slotCount: 6, slotSize: 128, generation: 1 })).toThrow(InvalidFieldError);
    expect(() => RingWriter.init(new Uint8Array(4096), { slotCount: 4, slotSize: 128, generation: 0 })).toThrow(InvalidFieldError);
  });
});
