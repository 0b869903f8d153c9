import { describe, expect, it } from "bun:test";
import { InvalidFieldError, MediaError, TruncatedError } from "../../../src/media/errors.ts";
import { parseSps } from "../../../src/media/sps.ts";
import { SPS_CASES, hex } from "./fixtures.ts";

describe("parseSps", () => {
  for (const c of SPS_CASES) {
    it(`reads size, profile, level and fps of ${c.name}`, () => {
      const info = parseSps(hex(c.sps));
      expect(info).toMatchObject({
        profileIdc: c.profileIdc,
        levelIdc: c.levelIdc,
        width: c.width,
        height: c.height,
        frameMbsOnly: c.frameMbsOnly,
        chromaFormatIdc: c.chromaFormatIdc,
      });
      expect(info.fps).toBeCloseTo(c.fps, 9);
    });
  }

  it("reports the constraint flags byte for the avc1 codec string", () => {
    expect(parseSps(hex(SPS_CASES[0].sps)).constraintSetFlags).toBe(0xc0);
  });

  it("leaves fps undefined when the SPS has no VUI", () => {
    // 320x240 baseline SPS with vui_parameters_present_flag = 0, built by hand from the
    // 320x240 case: same fields up to frame_cropping_flag, then a 0 bit and the stop bit.
    const info = parseSps(hex("6742c00dda0507e4"));
    expect(info).toMatchObject({ width: 320, height: 240 });
    expect(info.fps).toBeUndefined();
  });

  it("rejects a NAL unit that is not an SPS", () => {
    expect(() => parseSps(hex("68ce039c80"))).toThrow(InvalidFieldError);
  });

  it("rejects an empty NAL unit as truncated", () => {
    expect(() => parseSps(new Uint8Array(0))).toThrow(TruncatedError);
  });

  it("throws TruncatedError for every prefix that ends before timing_info", () => {
    for (const c of SPS_CASES) {
      const sps = hex(c.sps);
      let truncated = 0;
      for (let n = 1; n < sps.length; n++) {
        try {
          const info = parseSps(sps.subarray(0, n));
          // A prefix that still holds everything up to time_scale parses to the same answer.
          expect(info.width).toBe(c.width);
          expect(info.fps).toBeCloseTo(c.fps, 9);
        } catch (e) {
          expect(e).toBeInstanceOf(TruncatedError);
          truncated++;
        }
      }
      expect(truncated).toBeGreaterThan(sps.length / 2);
    }
  });

  it("rejects cropping that leaves no picture", () => {
    // 16x16 baseline: pic_width_in_mbs_minus1 = 0, pic_height_in_map_units_minus1 = 0,
    // frame_crop_left_offset = 8 (16 pixels), no VUI. Hand-assembled bit string.
    const bits =
      "01000010" +
      "11000000" +
      "00001010" + // profile 66, constraint flags, level 10
      "1" +
      "1" +
      "011" +
      "1" +
      "1" +
      "1" +
      "1" + // sps id 0, log2_max_frame_num 0, poc type 2, refs 0, gaps 0, w 0, h 0
      "1" +
      "1" +
      "1" +
      "0001001" +
      "1" +
      "1" +
      "1" + // frame_mbs_only, direct8x8, cropping, left 8, right 0, top 0, bottom 0
      "0" +
      "1"; // no VUI, stop bit
    const bytes = [0x67];
    const padded = bits.padEnd(Math.ceil(bits.length / 8) * 8, "0");
    for (let i = 0; i < padded.length; i += 8) bytes.push(Number.parseInt(padded.slice(i, i + 8), 2));
    expect(() => parseSps(Uint8Array.from(bytes))).toThrow(InvalidFieldError);
  });

  it("never throws anything but MediaError on random bytes after an SPS header", () => {
    let seed = 1;
    const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    for (let i = 0; i < 3000; i++) {
      const b = new Uint8Array(1 + Math.floor(rand() * 40));
      for (let j = 0; j < b.length; j++) b[j] = Math.floor(rand() * 256);
      b[0] = 0x67;
      try {
        const info = parseSps(b);
        expect(info.width).toBeGreaterThan(0);
        expect(info.height).toBeGreaterThan(0);
      } catch (e) {
        expect(e).toBeInstanceOf(MediaError);
      }
    }
  });
});
