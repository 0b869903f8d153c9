import { describe, expect, it } from "bun:test";
import { TruncatedError } from "../../../src/media/errors.ts";
import { NalType, isVcl, nalType } from "../../../src/media/nal.ts";
import { hex } from "./fixtures.ts";

describe("nalType", () => {
  const cases = [
    { name: "an SPS", first: "67", type: NalType.SPS, vcl: false },
    { name: "a PPS", first: "68", type: NalType.PPS, vcl: false },
    { name: "an SEI", first: "06", type: NalType.SEI, vcl: false },
    { name: "an IDR slice", first: "65", type: NalType.IDR, vcl: true },
    { name: "a non-IDR slice", first: "41", type: NalType.NON_IDR, vcl: true },
    { name: "a non-reference non-IDR slice", first: "01", type: NalType.NON_IDR, vcl: true },
    { name: "an access unit delimiter", first: "09", type: NalType.AUD, vcl: false },
    { name: "an IDR slice with the forbidden bit set", first: "e5", type: NalType.IDR, vcl: true },
  ];
  for (const c of cases) {
    it(`reads the type of ${c.name} from the low 5 bits of byte 0`, () => {
      expect(nalType(hex(`${c.first}ff`))).toBe(c.type);
      expect(isVcl(nalType(hex(c.first)))).toBe(c.vcl);
    });
  }

  it("throws TruncatedError for an empty NAL unit", () => {
    expect(() => nalType(new Uint8Array(0))).toThrow(TruncatedError);
  });

  it("counts types 1 to 5 as VCL and nothing else", () => {
    const vcl = Array.from({ length: 32 }, (_, t) => t).filter(isVcl);
    expect(vcl).toEqual([1, 2, 3, 4, 5]);
  });
});
