import { describe, expect, it } from "bun:test";
import { AnnexBSplitter, splitAnnexB, toAnnexB } from "../../../src/media/annexb.ts";
import { InvalidFieldError, TooLargeError } from "../../../src/media/errors.ts";
import { nalType } from "../../../src/media/nal.ts";
import { fixture, hex, prng, randomChunks, toHex } from "./fixtures.ts";

/** NAL unit types of clip320.h264 (x264 repeats SPS and PPS before each IDR in Annex B output). */
const CLIP_TYPES = [7, 8, 6, 5, 1, 1, 1, 1, 7, 8, 5, 1, 1, 1, 1];

const CASES = [
  { name: "4-byte start codes", stream: "00000001 6701 00000001 6802 00000001 6503", nalus: ["6701", "6802", "6503"] },
  { name: "3-byte start codes", stream: "000001 6701 000001 6802 000001 6503", nalus: ["6701", "6802", "6503"] },
  { name: "mixed start codes", stream: "000001 6701 00000001 6802 000001 6503", nalus: ["6701", "6802", "6503"] },
  { name: "leading and trailing zero bytes", stream: "0000 00000001 6701 0000 000001 6503 000000", nalus: ["6701", "6503"] },
  { name: "empty NAL units between start codes", stream: "000001 000001 6701 00000001 00000001 6503", nalus: ["6701", "6503"] },
  { name: "emulation prevention kept in the payload", stream: "000001 67000003 01 000001 6503", nalus: ["6700000301", "6503"] },
  { name: "empty input", stream: "", nalus: [] },
  { name: "only zero bytes", stream: "000000", nalus: [] },
];

describe("splitAnnexB", () => {
  for (const c of CASES) {
    it(`splits a byte stream with ${c.name}`, () => {
      expect(splitAnnexB(hex(c.stream)).map(toHex)).toEqual(c.nalus);
    });
  }

  it("splits the real clip into the NAL units FFmpeg wrote", () => {
    expect(splitAnnexB(fixture("clip320.h264")).map(nalType)).toEqual(CLIP_TYPES);
  });

  it("rejects a non-zero byte before the first start code", () => {
    expect(() => splitAnnexB(hex("ff 000001 6701"))).toThrow(InvalidFieldError);
    expect(() => splitAnnexB(hex("6701"))).toThrow(InvalidFieldError);
  });

  it("returns copies that do not alias the input", () => {
    const input = hex("000001 6701 000001 6503");
    const nalus = splitAnnexB(input);
    input.fill(0xaa);
    expect(nalus.map(toHex)).toEqual(["6701", "6503"]);
  });
});

describe("toAnnexB", () => {
  it("puts a 4-byte start code in front of every NAL unit", () => {
    expect(toHex(toAnnexB([hex("6701"), hex("6503")]))).toBe("000000016701000000016503");
  });

  it("round-trips the real clip through splitAnnexB", () => {
    const nalus = splitAnnexB(fixture("clip320.h264"));
    expect(splitAnnexB(toAnnexB(nalus))).toEqual(nalus);
  });

  it("writes into the start of the buffer allocate gives, and refuses one too small", () => {
    const big = new Uint8Array(20).fill(0xee);
    const out = toAnnexB([hex("6701"), hex("6503")], () => big);
    expect(out.buffer).toBe(big.buffer);
    expect(toHex(out)).toBe("000000016701000000016503");
    expect(() => toAnnexB([hex("6701")], (n) => new Uint8Array(n - 1))).toThrow(RangeError);
  });
});

describe("AnnexBSplitter", () => {
  function splitInChunks(chunks: Uint8Array[]): Uint8Array[] {
    const s = new AnnexBSplitter();
    const out = chunks.flatMap((c) => s.push(c));
    return [...out, ...s.flush()];
  }

  for (const c of CASES) {
    it(`splits ${c.name} fed one byte at a time`, () => {
      const bytes = hex(c.stream);
      const chunks = Array.from(bytes, (b) => Uint8Array.of(b));
      expect(splitInChunks(chunks).map(toHex)).toEqual(c.nalus);
    });
  }

  it("splits NAL units across chunk boundaries exactly as the whole stream", () => {
    const clip = fixture("clip320.h264");
    const whole = splitAnnexB(clip);
    const rand = prng(7);
    for (const max of [1, 2, 3, 5, 17, 1000, 100_000]) {
      expect(splitInChunks(randomChunks(clip, rand, max))).toEqual(whole);
    }
  });

  it("returns a NAL unit only once the next start code is seen", () => {
    const s = new AnnexBSplitter();
    expect(s.push(hex("00000001 6701"))).toEqual([]);
    expect(s.push(hex("02 0000"))).toEqual([]);
    expect(s.push(hex("01 6503")).map(toHex)).toEqual(["670102"]);
    expect(s.flush().map(toHex)).toEqual(["6503"]);
    expect(s.flush()).toEqual([]);
  });

  it("discards bytes before the first start code so it can join a stream mid-NAL", () => {
    const s = new AnnexBSplitter();
    expect(s.push(hex("ab cd ef 00 00"))).toEqual([]);
    expect(s.push(hex("01 6701 000001 6503")).map(toHex)).toEqual(["6701"]);
    expect(s.flush().map(toHex)).toEqual(["6503"]);
  });

  it("returns NAL units that survive the caller reusing its chunk buffer", () => {
    const clip = fixture("clip320.h264");
    const s = new AnnexBSplitter();
    const reused = new Uint8Array(4096);
    const out: Uint8Array[] = [];
    for (let o = 0; o < clip.length; o += reused.length) {
      const n = Math.min(reused.length, clip.length - o);
      reused.set(clip.subarray(o, o + n));
      out.push(...s.push(reused.subarray(0, n)));
      reused.fill(0x55);
    }
    out.push(...s.flush());
    expect(out).toEqual(splitAnnexB(clip));
  });

  it("collects one 8 MB NAL unit delivered in 100-byte chunks without copying it again per chunk", () => {
    const nal = new Uint8Array(8 * 1024 * 1024).fill(0x11);
    nal[0] = 0x65;
    const stream = toAnnexB([nal, hex("4101")]);
    const start = performance.now();
    const s = new AnnexBSplitter();
    const out: Uint8Array[] = [];
    for (let o = 0; o < stream.length; o += 100) out.push(...s.push(stream.subarray(o, o + 100)));
    out.push(...s.flush());
    expect(performance.now() - start).toBeLessThan(3000); // linear needs ~50 ms; quadratic, hours
    expect(out.map((n) => n.length)).toEqual([nal.length, 2]);
  });

  it("throws TooLargeError for a NAL unit above the bound and resynchronises after it", () => {
    const s = new AnnexBSplitter({ maxNaluBytes: 8 });
    expect(s.push(hex("000001 6701"))).toEqual([]);
    expect(() => s.push(hex("0102030405060708"))).toThrow(TooLargeError);
    expect(s.push(hex("090a 000001 6503 000001")).map(toHex)).toEqual(["6503"]);
  });

  it("rejects a bound that is not a positive integer", () => {
    expect(() => new AnnexBSplitter({ maxNaluBytes: 0 })).toThrow(InvalidFieldError);
  });
});
