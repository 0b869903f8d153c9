/**
 * Byte-level case tables of the boxes camserver writes, read back through the box reader:
 * every field written out by hand from ISO/IEC 14496-12 and 14496-15 (the section is named on
 * each row). The parameter sets are those of the clip320.h264 fixture. Then the box reader's
 * own cases (largesize, size 0, uuid, each error) and FFmpeg-written fragments.
 */
import { describe, expect, it } from "bun:test";
import { InvalidFieldError, MissingBoxError, TooLargeError, TruncatedError } from "../../../../src/media/errors.ts";
import {
  type Box,
  childBoxes,
  initSegment,
  mediaFragment,
  readBoxHeader,
  readBoxes,
  readFragments,
  readInitSegment,
  requireBox,
} from "../../../../src/media/fmp4/index.ts";
import { demuxWhole, fixture, hex, toHex } from "../fixtures.ts";
import { CLIP_PPS, CLIP_SPS, clipAccessUnits, fmp4Fixture, gops, samplesOf } from "./fmp4-fixtures.ts";

/** Bytes of payload before the child boxes of each container we descend into. */
const CONTAINERS: Record<string, number> = {
  moov: 0,
  trak: 0,
  mdia: 0,
  minf: 0,
  dinf: 0,
  stbl: 0,
  mvex: 0,
  moof: 0,
  traf: 0,
  dref: 8,
  stsd: 8,
  avc1: 78,
};

/** Every box as [path, size, payload hex]; a container's hex is only the bytes before its children. */
function flatten(boxes: readonly Box[], prefix = ""): [string, number, string][] {
  const rows: [string, number, string][] = [];
  for (const b of boxes) {
    const path = prefix + b.type;
    const skip = CONTAINERS[b.type];
    rows.push([path, b.size, toHex(b.payload.subarray(0, skip ?? b.payload.length))]);
    if (skip !== undefined) rows.push(...flatten(childBoxes(b, skip), `${path}/`));
  }
  return rows;
}

const x = (...fields: string[]) => fields.join("").replace(/\s+/g, "");
const ZERO4 = "00000000";
const MATRIX = x("00010000", ZERO4, ZERO4, ZERO4, "00010000", ZERO4, ZERO4, ZERO4, "40000000");

const INIT_TABLE: [string, number, string][] = [
  // §4.3 major_brand, minor_version, compatible_brands
  ["ftyp", 32, x("69736f36", ZERO4, "69736f36 636d6663 61766331 6d703431")],
  ["moov", 629, ""],
  // §8.2.2 v0: creation, modification, timescale 90000, duration 0, rate 1.0, volume 1.0,
  // reserved 10, matrix, pre_defined 24, next_track_ID 2
  ["moov/mvhd", 108, x(ZERO4, ZERO4, ZERO4, "00015f90", ZERO4, "00010000", "0100", "0".repeat(20), MATRIX, "0".repeat(48), "00000002")],
  ["moov/trak", 473, ""],
  // §8.3.2 v0 flags enabled|in_movie: times, track_ID 1, reserved, duration, reserved 8,
  // layer, alternate_group, volume 0, reserved, matrix, width 320.0, height 240.0
  ["moov/trak/tkhd", 92, x("00000003", ZERO4, ZERO4, "00000001", ZERO4, ZERO4, ZERO4, ZERO4, "0000 0000 0000 0000", MATRIX, "01400000", "00f00000")],
  ["moov/trak/mdia", 373, ""],
  // §8.4.2 v0: times, timescale 90000, duration 0, language "und", pre_defined
  ["moov/trak/mdia/mdhd", 32, x(ZERO4, ZERO4, ZERO4, "00015f90", ZERO4, "55c4", "0000")],
  // §8.4.3: pre_defined, handler_type 'vide', reserved 12, name "VideoHandler\0"
  ["moov/trak/mdia/hdlr", 45, x(ZERO4, ZERO4, "76696465", "0".repeat(24), "566964656f48616e646c6572", "00")],
  ["moov/trak/mdia/minf", 288, ""],
  // §12.1.2 flags 1: graphicsmode, opcolor
  ["moov/trak/mdia/minf/vmhd", 20, x("00000001", "0000", "000000000000")],
  ["moov/trak/mdia/minf/dinf", 36, ""],
  // §8.7.2 entry_count 1, then a 'url ' with flag 1 (same file)
  ["moov/trak/mdia/minf/dinf/dref", 28, x(ZERO4, "00000001")],
  ["moov/trak/mdia/minf/dinf/dref/url ", 12, "00000001"],
  ["moov/trak/mdia/minf/stbl", 224, ""],
  ["moov/trak/mdia/minf/stbl/stsd", 148, x(ZERO4, "00000001")],
  // §8.5.2.2 reserved 6, data_reference_index 1; §12.1.3.2 pre_defined/reserved 16, width 320,
  // height 240, 72 dpi twice, reserved, frame_count 1, compressorname 32, depth 0x18, -1
  [
    "moov/trak/mdia/minf/stbl/stsd/avc1",
    132,
    x("000000000000", "0001", "0".repeat(32), "0140", "00f0", "00480000", "00480000", ZERO4, "0001", "0".repeat(64), "0018", "ffff"),
  ],
  // 14496-15 §5.3.3.1: version 1, profile 66, compatibility 0xc0, level 13, 4-byte lengths,
  // one SPS of 22 bytes, one PPS of 5 bytes (Baseline: no chroma/bit depth extension)
  ["moov/trak/mdia/minf/stbl/stsd/avc1/avcC", 46, x("01 42 c0 0d ff e1 0016", CLIP_SPS, "01 0005", CLIP_PPS)],
  ["moov/trak/mdia/minf/stbl/stts", 16, x(ZERO4, ZERO4)], // §8.6.1.2 entry_count 0
  ["moov/trak/mdia/minf/stbl/stsc", 16, x(ZERO4, ZERO4)], // §8.7.4 entry_count 0
  ["moov/trak/mdia/minf/stbl/stsz", 20, x(ZERO4, ZERO4, ZERO4)], // §8.7.3 sample_size 0, sample_count 0
  ["moov/trak/mdia/minf/stbl/stco", 16, x(ZERO4, ZERO4)], // §8.7.5 entry_count 0
  ["moov/mvex", 40, ""],
  // §8.8.3 track_ID 1, default_sample_description_index 1, duration, size, flags 0
  ["moov/mvex/trex", 32, x(ZERO4, "00000001", "00000001", ZERO4, ZERO4, ZERO4)],
];

/** Two samples: an IDR shown 6000 ticks late, and a P frame 3000 ticks early (negative offset). */
const TWO_SAMPLES = {
  sequenceNumber: 7,
  baseDecodeTime: 2 ** 32 + 5,
  styp: true,
  samples: [
    { data: hex("00000002 65b8"), duration: 3000, isSync: true, compositionOffset: 6000 },
    { data: hex("00000003 419a21"), duration: 3003, isSync: false, compositionOffset: -3000 },
  ],
};

const FRAGMENT_TABLE: [string, number, string][] = [
  ["styp", 20, x("6d736468", ZERO4, "6d736468")], // §8.16.2 'msdh', 0, ['msdh']
  ["moof", 120, ""],
  ["moof/mfhd", 16, x(ZERO4, "00000007")], // §8.8.5 sequence_number 7
  ["moof/traf", 96, ""],
  ["moof/traf/tfhd", 16, x("00020000", "00000001")], // §8.8.7 default-base-is-moof, track_ID 1
  ["moof/traf/tfdt", 20, x("01000000", "00000001 00000005")], // §8.8.12 v1: 2^32 + 5
  // §8.8.8 v1, flags data-offset|duration|size|flags|composition: sample_count 2,
  // data_offset 128 (moof 120 + mdat header 8), then duration, size, flags, offset per sample
  ["moof/traf/trun", 52, x("01000f01", "00000002", "00000080", "00000bb8 00000006 02000000 00001770", "00000bbb 00000007 01010000 fffff448")],
  ["mdat", 21, x("00000002 65b8", "00000003 419a21")], // §8.1.1
];

describe("box case tables", () => {
  it("writes the init segment of clip320's SPS and PPS field by field as ISO/IEC 14496-12 and -15 lay it out", () => {
    const init = initSegment({ sps: hex(CLIP_SPS), pps: hex(CLIP_PPS) });
    expect(init.length).toBe(661);
    expect(flatten(readBoxes(init))).toEqual(INIT_TABLE);
  });

  it("writes a fragment of two samples field by field, 64-bit tfdt and negative composition offset included", () => {
    const f = mediaFragment(TWO_SAMPLES);
    expect(flatten(readBoxes(f))).toEqual(FRAGMENT_TABLE);
    expect(toHex(f.subarray(0, 8))).toBe("0000001473747970"); // size 20, 'styp' first
  });

  it("writes the same fragment at the start of a larger buffer that allocate gives (stale bytes overwritten), and refuses a smaller one", () => {
    const want = mediaFragment(TWO_SAMPLES);
    const big = new Uint8Array(want.length + 100).fill(0xee);
    const f = mediaFragment({ ...TWO_SAMPLES, allocate: () => big });
    expect(f.buffer).toBe(big.buffer);
    expect(f.byteOffset).toBe(0);
    expect(toHex(f)).toBe(toHex(want));
    expect(() => mediaFragment({ ...TWO_SAMPLES, allocate: (n) => new Uint8Array(n - 1) })).toThrow(RangeError);
  });

  it("takes width and height from the options over the SPS, and a track_ID and timescale", () => {
    const init = initSegment({ sps: hex(CLIP_SPS), pps: hex(CLIP_PPS), width: 640, height: 360, trackId: 5, timescale: 1000 });
    const info = readInitSegment(init);
    expect({ w: info.width, h: info.height, id: info.trackId, ts: info.timescale }).toEqual({ w: 640, h: 360, id: 5, ts: 1000 });
    expect(toHex(readBoxes(init)[1]!.payload.subarray(104, 108))).toBe("00000006"); // next_track_ID = 6
  });
});

describe("readBoxHeader", () => {
  const CASES: { name: string; bytes: string; end?: number; max?: number; want: object | (new (...a: never[]) => Error) }[] = [
    { name: "a plain box", bytes: "0000000c 66726565 01020304", want: { type: "free", size: 12, headerSize: 8 } },
    { name: "a largesize box (size 1)", bytes: "00000001 6d646174 00000000 00000011 ff", want: { type: "mdat", size: 17, headerSize: 16 } },
    { name: "a size-0 box, to the end", bytes: "00000000 6d646174 010203", want: { type: "mdat", size: 11, headerSize: 8 } },
    { name: "a uuid box", bytes: x("00000018 75756964", "00".repeat(16)), want: { type: "uuid", size: 24, headerSize: 24 } },
    { name: "a header cut short", bytes: "0000000c 6672", want: TruncatedError },
    { name: "a box running past the data", bytes: "00000010 66726565 0102", want: TruncatedError },
    { name: "a box running past its container", bytes: "0000000c 66726565 01020304", end: 10, want: TruncatedError },
    { name: "a size below the header", bytes: "00000004 66726565", want: InvalidFieldError },
    { name: "a uuid box too small for its extended type", bytes: "00000010 75756964 0000000000000000", want: InvalidFieldError },
    { name: "a largesize cut short", bytes: "00000001 6d646174 0000", want: TruncatedError },
    { name: "a largesize beyond 2^53", bytes: "00000001 6d646174 ffffffff ffffffff", want: TooLargeError },
    { name: "a box over maxBoxBytes", bytes: "0000000c 66726565 01020304", max: 11, want: TooLargeError },
  ];
  for (const c of CASES) {
    const title = typeof c.want === "function" ? `throws ${c.want.name} for ${c.name}` : `reads ${c.name}`;
    it(title, () => {
      const b = hex(c.bytes);
      const read = () => readBoxHeader(b, 0, c.end ?? b.length, c.max === undefined ? {} : { maxBoxBytes: c.max });
      if (typeof c.want === "function") expect(read).toThrow(c.want);
      else expect(read()).toMatchObject(c.want);
    });
  }

  it("says how many bytes a streaming reader needs for the box", () => {
    const b = hex("00001000 6d646174 0102");
    try {
      readBoxHeader(b);
      throw new Error("no error");
    } catch (e) {
      expect(e).toBeInstanceOf(TruncatedError);
      expect((e as TruncatedError).needed).toBe(0x1000);
    }
  });

  it("rejects an offset range outside the bytes", () => {
    expect(() => readBoxes(new Uint8Array(8), 4, 12)).toThrow(InvalidFieldError);
  });

  it("names the missing box of a moof without mfhd", () => {
    const f = mediaFragment(TWO_SAMPLES);
    f.set(hex("66726565"), 20 + 12); // mfhd -> free
    expect(() => readFragments(f)).toThrow(MissingBoxError);
    expect(() => requireBox(readBoxes(f), "moov", "file")).toThrow("file: mandatory box 'moov' is missing");
  });
});

describe("FFmpeg-written fragments", () => {
  it("reads FFmpeg's fragments of clip320 and finds byte for byte the samples camserver writes", () => {
    const file = fmp4Fixture("clip320-ffmpeg-frag.mp4");
    const init = readInitSegment(file);
    expect({ ts: init.timescale, w: init.width, h: init.height, codec: init.codec }).toEqual({ ts: 15360, w: 320, h: 240, codec: "avc1" });
    expect(init.avcConfig.sps.map(toHex)).toEqual([CLIP_SPS]);
    const frags = readFragments(file, { defaults: init.defaults });
    const ours = gops(samplesOf(clipAccessUnits()));
    expect(frags.map((f) => f.sequenceNumber)).toEqual([1, 2]);
    frags.forEach((f, i) => {
      const t = f.tracks[0]!;
      expect(t.baseDecodeTime).toBe(i * 5 * 512);
      expect(t.samples.map((s) => s.duration)).toEqual([512, 512, 512, 512, 512]);
      expect(t.samples.map((s) => s.flags)).toEqual([0x02000000, 0x01010000, 0x01010000, 0x01010000, 0x01010000]);
      expect(t.samples.map((s) => toHex(s.data))).toEqual(ours[i]!.map((s) => toHex(s.data)));
    });
  });

  it("reads FFmpeg's version-0 trun of bframes.flv with the composition offsets camserver computes", () => {
    const file = fmp4Fixture("bframes-ffmpeg-frag.mp4");
    const init = readInitSegment(file);
    const [frag] = readFragments(file, { defaults: init.defaults });
    const samples = frag!.tracks[0]!.samples;
    const ours = samplesOf(demuxWhole(fixture("bframes.flv")).aus, init.timescale);
    expect(samples.map((s) => s.compositionOffset)).toEqual([1280, 2560, 640, 640, 2560, 640, 640, 1280]);
    expect(ours.map((s) => s.compositionOffset)).toEqual(samples.map((s) => s.compositionOffset));
    expect(ours.map((s) => s.duration)).toEqual(samples.map((s) => s.duration));
    expect(ours.map((s) => toHex(s.data))).toEqual(samples.map((s) => toHex(s.data)));
    expect(samples.map((s) => s.isSync)).toEqual([true, false, false, false, false, false, false, false]);
    const moof = readBoxes(file).find((b) => b.type === "moof")!;
    const trun = childBoxes(childBoxes(moof).find((b) => b.type === "traf")!).find((b) => b.type === "trun")!;
    expect(trun.payload[0]).toBe(0); // version 0: unsigned offsets
  });
});
