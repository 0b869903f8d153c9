/**
 * NAL units in pieces: the bytes they stand for, read through nalBytes, writeNal and
 * nalHeaderByte exactly as a NAL unit in one buffer; and the writers that take them (Annex-B,
 * AVCC samples, fMP4 fragments) give the same bytes as for the joined NAL unit.
 */
import { describe, expect, it } from "bun:test";
import { toAnnexB } from "../../../src/media/annexb.ts";
import { avccSample, avccNalUnits } from "../../../src/media/fmp4/avcc-sample.ts";
import { mediaFragment } from "../../../src/media/fmp4/media-fragment.ts";
import { NalPieces, nalBytes, nalHeaderByte, writeNal } from "../../../src/media/nal-unit.ts";
import { nalType } from "../../../src/media/nal.ts";

const whole = Uint8Array.from({ length: 3000 }, (_, i) => (i === 0 ? 0x65 : (i * 7) & 0xff));
/** `whole` cut at the given offsets, each piece a view into a larger buffer of its own. */
function cut(at: number[]): NalPieces {
  const bounds = [0, ...at, whole.length];
  const pieces = bounds.slice(1).map((end, i) => {
    const into = new Uint8Array(end - bounds[i]! + 20);
    into.set(whole.subarray(bounds[i]!, end), 10);
    return into.subarray(10, 10 + end - bounds[i]!);
  });
  return new NalPieces(pieces, whole.length);
}

describe("NalPieces", () => {
  it("reads as the NAL unit it stands for: bytes, header, type, size", () => {
    for (const at of [[1], [1, 2, 3], [1, 1400, 2800], [5, 2999]]) {
      const n = cut(at);
      expect(n.byteLength).toBe(whole.length);
      expect(nalBytes(n)).toEqual(whole);
      expect(nalBytes(n)).toBe(nalBytes(n)); // joined once
      expect(nalHeaderByte(n)).toBe(0x65);
      expect(nalType(n)).toBe(5);
      const into = new Uint8Array(whole.length + 4).fill(0xee);
      expect(writeNal(n, into, 2)).toBe(whole.length + 2);
      expect(into.subarray(2, 2 + whole.length)).toEqual(whole);
      expect([into[0], into[1], into[whole.length + 2], into[whole.length + 3]]).toEqual([0xee, 0xee, 0xee, 0xee]);
    }
    expect(nalBytes(whole)).toBe(whole);
    expect(nalHeaderByte(new Uint8Array(0))).toBeUndefined();
    expect(() => writeNal(cut([1]), new Uint8Array(10), 0)).toThrow(RangeError);
  });

  it("is written by Annex-B, AVCC and fMP4 writers byte for byte as the joined NAL unit", () => {
    const sps = Uint8Array.of(0x67, 1, 2, 3);
    const pieced = [sps, cut([1, 700, 1400])];
    const joined = [sps, whole];
    expect(toAnnexB(pieced)).toEqual(toAnnexB(joined));
    expect(avccSample(pieced)).toEqual(avccSample(joined));
    const frag = (nalus: typeof pieced) =>
      mediaFragment({ sequenceNumber: 1, baseDecodeTime: 0, samples: [{ data: avccNalUnits(nalus), duration: 3000, isSync: true }] });
    expect(frag(pieced)).toEqual(frag(joined));
  });
});
