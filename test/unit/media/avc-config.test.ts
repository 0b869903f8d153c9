import { describe, expect, it } from "bun:test";
import { buildAvcConfig, parseAvcConfig } from "../../../src/media/avc-config.ts";
import { InvalidFieldError, TruncatedError } from "../../../src/media/errors.ts";
import { hex, toHex } from "./fixtures.ts";

/** AVCDecoderConfigurationRecords from the AVC sequence headers of the FLV fixtures (FFmpeg 5.1). */
const CASES = [
  {
    name: "the 320x240 baseline clip",
    source: "clip320-from-mp4.flv",
    record: "0142c00dffe100166742c00dda0507ec0440000003004000000f03c50aa801000568ce039c80",
    sps: ["6742c00dda0507ec0440000003004000000f03c50aa8"],
    pps: ["68ce039c80"],
  },
  {
    name: "the High profile B-frame clip",
    source: "bframes.flv",
    record: "0164000bffe100196764000bacd942847e5c0440000003004000000c83c50a658001000668ebe04d2c8b fdf8f800",
    sps: ["6764000bacd942847e5c0440000003004000000c83c50a6580"],
    pps: ["68ebe04d2c8b"],
  },
  {
    name: "the 64x64 extended-timestamp clip",
    source: "extended-timestamp.flv",
    record: "0142c00affe100166742c00ada109b011000000300100000030140f1226a01000468ce0fc8",
    sps: ["6742c00ada109b011000000300100000030140f1226a"],
    pps: ["68ce0fc8"],
  },
  // The next three: `ffmpeg -f lavfi -i testsrc2=size=64x64:rate=10 -frames:v 1 -c:v libx264
  // -pix_fmt PIX -profile:v PROFILE -preset ultrafast -f flv p.flv`, sequence header of p.flv.
  {
    name: "a High 10 stream (PIX yuv420p10le, PROFILE high10)",
    source: "p.flv",
    record: "016e000affe10018676e000aa6cb42136022000003000200000300281e244d4001000468ce0fc8 fdfafa00",
    sps: ["676e000aa6cb42136022000003000200000300281e244d40"],
    pps: ["68ce0fc8"],
  },
  {
    name: "a High 4:2:2 stream (PIX yuv422p, PROFILE high422)",
    source: "p.flv",
    record: "017a000affe10017677a000abcb42136022000000300200000030281e244d401000468ce0fc8 fef8f800",
    sps: ["677a000abcb42136022000000300200000030281e244d4"],
    pps: ["68ce0fc8"],
  },
  {
    name: "a High 4:4:4 stream (PIX yuv444p, PROFILE high444)",
    source: "p.flv",
    record: "01f4000affe1001867f4000a91968426c044000003000400000300503c489a8001000568ce0f1920 fff8f800",
    sps: ["67f4000a91968426c044000003000400000300503c489a80"],
    pps: ["68ce0f1920"],
  },
];

describe("parseAvcConfig", () => {
  for (const c of CASES) {
    it(`reads NAL length size, SPS and PPS of ${c.name}`, () => {
      const config = parseAvcConfig(hex(c.record));
      expect(config.nalLengthSize).toBe(4);
      expect(config.sps.map(toHex)).toEqual(c.sps);
      expect(config.pps.map(toHex)).toEqual(c.pps);
    });
  }

  it("ignores padding after the parameter sets", () => {
    const config = parseAvcConfig(hex(`${CASES[0]!.record} 0000`));
    expect(config.pps.map(toHex)).toEqual(CASES[0]!.pps);
  });

  it("reads 1- and 2-byte NAL length sizes", () => {
    expect(parseAvcConfig(hex("0142c00dfc e0 00")).nalLengthSize).toBe(1);
    expect(parseAvcConfig(hex("0142c00dfd e0 00")).nalLengthSize).toBe(2);
  });

  it("rejects 3-byte NAL lengths and configurationVersion other than 1", () => {
    expect(() => parseAvcConfig(hex("0142c00dfe e0 00"))).toThrow(InvalidFieldError);
    expect(() => parseAvcConfig(hex("0042c00dff e0 00"))).toThrow(InvalidFieldError);
  });

  it("throws TruncatedError for every prefix of a real record", () => {
    const record = hex(CASES[0]!.record);
    for (let n = 0; n < record.length; n++) {
      expect(() => parseAvcConfig(record.subarray(0, n))).toThrow(TruncatedError);
    }
  });

  it("returns parameter sets that do not alias the input", () => {
    const record = hex(CASES[0]!.record);
    const config = parseAvcConfig(record);
    record.fill(0);
    expect(config.sps.map(toHex)).toEqual(CASES[0]!.sps);
  });
});

describe("buildAvcConfig", () => {
  for (const c of CASES) {
    it(`writes the same bytes as FFmpeg for ${c.name}`, () => {
      expect(toHex(buildAvcConfig(c.sps.map(hex), c.pps.map(hex)))).toBe(c.record.replace(" ", ""));
    });
  }

  it("round-trips several SPS and PPS", () => {
    const sps = [hex("6742c00dda"), hex("6742c01eab")]; // Baseline: no extension, no SPS parsing
    const pps = [hex("68ce039c80"), hex("68ce0fc8"), hex("68de0fc8")];
    const config = parseAvcConfig(buildAvcConfig(sps, pps));
    expect(config).toEqual({ nalLengthSize: 4, sps, pps });
  });

  it("rejects a record without SPS, an SPS shorter than 4 bytes and an empty PPS", () => {
    expect(() => buildAvcConfig([], [hex("68ce")])).toThrow(InvalidFieldError);
    expect(() => buildAvcConfig([hex("6742")], [hex("68ce")])).toThrow(TruncatedError);
    expect(() => buildAvcConfig([hex("6742c00d")], [new Uint8Array(0)])).toThrow(InvalidFieldError);
  });

  it("rejects a High profile SPS it cannot read the chroma format from", () => {
    expect(() => buildAvcConfig([hex("6764001f")], [hex("68ce")])).toThrow(TruncatedError);
  });

  it("rejects a parameter set longer than its 16-bit length field", () => {
    const big = new Uint8Array(0x10000).fill(1);
    big.set([0x67, 0x42, 0xc0, 0x0d]);
    expect(() => buildAvcConfig([big], [])).toThrow(InvalidFieldError);
  });
});
