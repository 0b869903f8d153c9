/**
 * Access units from an Annex B stream (ITU-T H.264 §7.4.1.2.3): the fixture clip320.h264
 * split with our code gives the same access units, NAL unit for NAL unit, as FFmpeg's own
 * remux of it to FLV (clip320-from-h264.flv, see fixtures/README.md).
 */
import { describe, expect, it } from "bun:test";
import { AccessUnitAssembler, type AssembledAccessUnit } from "../../../src/media/access-unit-assembler.ts";
import { splitAnnexB } from "../../../src/media/annexb.ts";
import { TooLargeError } from "../../../src/media/errors.ts";
import { demuxWhole, fixture, hex, onlyMediaErrors, prng } from "./fixtures.ts";
import { nalType } from "../../../src/media/nal.ts";

function assemble(nalus: Uint8Array[]): AssembledAccessUnit[] {
  const a = new AccessUnitAssembler();
  const out: AssembledAccessUnit[] = [];
  for (const n of nalus) {
    const au = a.push(n);
    if (au) out.push(au);
  }
  const last = a.flush();
  if (last) out.push(last);
  return out;
}

describe("access unit assembler", () => {
  it("splits clip320.h264 into the access units FFmpeg puts in FLV tags", () => {
    const aus = assemble(splitAnnexB(fixture("clip320.h264")));
    const { aus: flv } = demuxWhole(fixture("clip320-from-h264.flv"));
    expect(aus.length).toBe(10);
    expect(aus.map((a) => a.isKeyframe)).toEqual(flv.map((a) => a.isKeyframe));
    expect(aus.map((a) => a.nalus.map(nalType))).toEqual(flv.map((a) => a.nalus.map(nalType)));
    for (let i = 0; i < aus.length; i++) expect(aus[i]!.nalus).toEqual(flv[i]!.nalus as Uint8Array[]);
  });

  const cases: { why: string; nalus: string[]; expected: number[][] }[] = [
    { why: "a slice with first_mb_in_slice 0 starts a picture", nalus: ["6588", "4188", "4188"], expected: [[5], [1], [1]] },
    {
      why: "a slice with first_mb_in_slice > 0 continues it",
      nalus: ["6588", "6540", "4188", "4140"],
      expected: [
        [5, 5],
        [1, 1],
      ],
    },
    { why: "SPS, PPS and SEI after a slice start the next access unit", nalus: ["6588", "6742", "68ce", "06ff", "6588"], expected: [[5], [7, 8, 6, 5]] },
    {
      why: "an access unit delimiter starts one",
      nalus: ["0910", "6588", "0930", "4188"],
      expected: [
        [9, 5],
        [9, 1],
      ],
    },
    { why: "end of sequence stays with its access unit", nalus: ["6588", "0a", "4188"], expected: [[5, 10], [1]] },
    { why: "NAL units before the first slice wait for it", nalus: ["6742", "68ce", "6588"], expected: [[7, 8, 5]] },
    { why: "a stream without slices gives nothing", nalus: ["6742", "68ce"], expected: [] },
  ];
  for (const c of cases) {
    it(`groups by §7.4.1.2.3: ${c.why}`, () => {
      const aus = assemble(c.nalus.map(hex));
      expect(aus.map((a) => a.nalus.map((n) => n[0]! & 0x1f))).toEqual(c.expected);
    });
  }

  it("drops an access unit with more NAL units than allowed", () => {
    const a = new AccessUnitAssembler({ maxNalus: 3 });
    a.push(hex("6588"));
    a.push(hex("6540"));
    a.push(hex("6540"));
    expect(() => a.push(hex("6540"))).toThrow(TooLargeError);
    expect(a.flush()).toBeUndefined();
  });

  it("takes 3000 random NAL unit streams with only MediaError thrown", () => {
    const rand = prng(7);
    for (let i = 0; i < 3000; i++) {
      const a = new AccessUnitAssembler({ maxNalus: 8 });
      for (let k = Math.floor(rand() * 20); k > 0; k--) {
        const n = Uint8Array.from({ length: Math.floor(rand() * 4) }, () => Math.floor(rand() * 256));
        onlyMediaErrors(() => a.push(n));
      }
      onlyMediaErrors(() => a.flush());
    }
  });
});
