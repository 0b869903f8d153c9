/**
 * Round trips: fragments and init segments built by camserver and read back by its own
 * readers give the same samples, fields and parameter sets. Random cases are seeded.
 */
import { describe, expect, it } from "bun:test";
import { InvalidFieldError, TooLargeError } from "../../../../src/media/errors.ts";
import {
  type Fmp4FragmentOptions,
  type Fmp4Sample,
  avccNalUnits,
  avccSample,
  initSegment,
  mediaFragment,
  mediaFragmentParts,
  readFragments,
  readInitSegment,
} from "../../../../src/media/fmp4/index.ts";
import { SPS_CASES, hex, prng, toHex } from "../fixtures.ts";
import { CLIP_PPS, CLIP_SPS, concat } from "./fmp4-fixtures.ts";

const rand = prng(20_250_301);
const int = (n: number) => Math.floor(rand() * n);

function randomSample(): Fmp4Sample {
  const data = new Uint8Array(int(3000));
  for (let i = 0; i < data.length; i++) data[i] = int(256);
  const s = { data, duration: rand() < 0.1 ? 0xffffffff : int(10_000), isSync: rand() < 0.3 };
  return rand() < 0.2 ? s : { ...s, compositionOffset: int(2 ** 32) - 2 ** 31 };
}

function randomOptions(): Fmp4FragmentOptions {
  return {
    sequenceNumber: rand() < 0.1 ? 0xffffffff : 1 + int(1000),
    baseDecodeTime: rand() < 0.3 ? Number.MAX_SAFE_INTEGER - int(1000) : int(2 ** 40),
    samples: Array.from({ length: 1 + int(40) }, randomSample),
    trackId: rand() < 0.5 ? undefined : 1 + int(10),
    styp: rand() < 0.5,
  };
}

/** What a sample should read back as. */
function expected(s: Fmp4Sample) {
  return { duration: s.duration, isSync: s.isSync, compositionOffset: s.compositionOffset ?? 0, data: toHex(s.data) };
}

describe("fragment round trip", () => {
  it("reads back 300 random fragments with the same sizes, durations, flags, offsets and data", () => {
    for (let k = 0; k < 300; k++) {
      const o = randomOptions();
      const frag = mediaFragment(o);
      const [f, ...rest] = readFragments(frag);
      expect(rest).toEqual([]);
      expect(f!.sequenceNumber).toBe(o.sequenceNumber);
      expect(f!.tracks.length).toBe(1);
      const t = f!.tracks[0]!;
      expect(t.trackId).toBe(o.trackId ?? 1);
      expect(t.baseDecodeTime).toBe(o.baseDecodeTime);
      expect(t.samples.map((s) => s.data.length)).toEqual(o.samples.map((s) => s.data.length));
      expect(t.samples.map((s) => ({ ...expected(s), data: toHex(s.data) }))).toEqual(o.samples.map(expected));
      expect(t.samples.map((s) => s.flags)).toEqual(o.samples.map((s) => (s.isSync ? 0x02000000 : 0x01010000)));
    }
  });

  it("gives the same bytes as header plus payloads from mediaFragmentParts, the payloads not copied", () => {
    for (let k = 0; k < 50; k++) {
      const o = randomOptions();
      const parts = mediaFragmentParts(o);
      const whole = concat([parts.header, ...parts.payloads]);
      expect(parts.byteLength).toBe(whole.length);
      expect(toHex(whole)).toBe(toHex(mediaFragment(o)));
      parts.payloads.forEach((p, i) => expect(p).toBe(o.samples[i]!.data));
    }
  });

  it("writes samples given as NAL units (avccNalUnits) byte for byte as their AVCC bytes, whole and in parts", () => {
    for (let k = 0; k < 50; k++) {
      const o = randomOptions();
      const nalus = o.samples.map(() => Array.from({ length: 1 + int(4) }, () => Uint8Array.from({ length: 1 + int(2000) }, () => int(256))));
      const asBytes = { ...o, samples: o.samples.map((s, i) => ({ ...s, data: avccSample(nalus[i]!) })) };
      const asNalus = { ...o, samples: o.samples.map((s, i) => ({ ...s, data: avccNalUnits(nalus[i]!) })) };
      const whole = toHex(mediaFragment(asBytes));
      expect(toHex(mediaFragment(asNalus))).toBe(whole);
      const parts = mediaFragmentParts(asNalus);
      expect(toHex(concat([parts.header, ...parts.payloads]))).toBe(whole);
      expect(parts.byteLength).toBe(whole.length / 2);
    }
  });

  it("refuses an empty NAL unit in a sample given as NAL units", () => {
    expect(() => avccNalUnits([hex("65"), new Uint8Array(0)])).toThrow(InvalidFieldError);
  });

  it("finds every fragment and its samples in init + fragments stored as one file", () => {
    const init = initSegment({ sps: hex(CLIP_SPS), pps: hex(CLIP_PPS) });
    const runs = Array.from({ length: 5 }, randomOptions).map((o, i) => ({ ...o, sequenceNumber: i + 1, trackId: 1 }));
    const frags = readFragments(concat([init, ...runs.map(mediaFragment)]));
    expect(frags.map((f) => f.sequenceNumber)).toEqual([1, 2, 3, 4, 5]);
    frags.forEach((f, i) => expect(f.tracks[0]!.samples.map(expected)).toEqual(runs[i]!.samples.map(expected)));
  });

  it("writes an empty mdat payload for samples of zero bytes", () => {
    const f = mediaFragment({ sequenceNumber: 1, baseDecodeTime: 0, samples: [{ data: new Uint8Array(0), duration: 1, isSync: true }] });
    expect(readFragments(f)[0]!.tracks[0]!.samples[0]!.data.length).toBe(0);
  });
});

describe("init segment round trip", () => {
  for (const c of SPS_CASES) {
    it(`reads back the size, parameter sets and timescale of ${c.name}`, () => {
      const init = initSegment({ sps: hex(c.sps), pps: hex(CLIP_PPS) });
      const info = readInitSegment(init);
      expect({ w: info.width, h: info.height }).toEqual({ w: c.width, h: c.height });
      expect(info.avcConfig.sps.map(toHex)).toEqual([c.sps]);
      expect(info.avcConfig.pps.map(toHex)).toEqual([CLIP_PPS]);
      expect(info.avcConfig.nalLengthSize).toBe(4);
      expect({ ts: info.timescale, id: info.trackId, codec: info.codec, brand: info.majorBrand }).toEqual({ ts: 90000, id: 1, codec: "avc1", brand: "iso6" });
      expect(info.defaults).toEqual({ duration: 0, size: 0, flags: 0 });
    });
  }
});

describe("argument checks", () => {
  const sample = { data: new Uint8Array(4), duration: 3000, isSync: true };
  const base = { sequenceNumber: 1, baseDecodeTime: 0, samples: [sample] };
  const FRAGMENT_CASES: [string, Fmp4FragmentOptions][] = [
    ["sequenceNumber", { ...base, sequenceNumber: -1 }],
    ["sequenceNumber", { ...base, sequenceNumber: 2 ** 32 }],
    ["baseDecodeTime", { ...base, baseDecodeTime: -1 }],
    ["baseDecodeTime", { ...base, baseDecodeTime: 2 ** 53 }],
    ["baseDecodeTime", { ...base, baseDecodeTime: 1.5 }],
    ["trackId", { ...base, trackId: 0 }],
    ["samples.length", { ...base, samples: [] }],
    ["samples[1].duration", { ...base, samples: [sample, { ...sample, duration: -1 }] }],
    ["samples[0].duration", { ...base, samples: [{ ...sample, duration: Number.NaN }] }],
    ["samples[0].compositionOffset", { ...base, samples: [{ ...sample, compositionOffset: 2 ** 31 }] }],
    ["samples[0].compositionOffset", { ...base, samples: [{ ...sample, compositionOffset: -(2 ** 31) - 1 }] }],
  ];
  for (const [field, o] of FRAGMENT_CASES) {
    it(`rejects a fragment with ${field} = ${field.startsWith("samples") ? "out of range" : String((o as unknown as Record<string, unknown>)[field])}`, () => {
      expect(() => mediaFragment(o)).toThrow(InvalidFieldError);
      expect(() => mediaFragment(o)).toThrow(`invalid ${field}`);
    });
  }

  it("rejects an mdat over 4 GiB with TooLargeError, before allocating it", () => {
    const big = { data: { byteLength: 2 ** 31 } as Uint8Array, duration: 1, isSync: true };
    expect(() => mediaFragment({ ...base, samples: [big, big] })).toThrow(TooLargeError);
  });

  const INIT_CASES: [string, object][] = [
    ["width", { width: 0 }],
    ["height", { height: 65536 }],
    ["timescale", { timescale: 0 }],
    ["trackId", { trackId: 2 ** 32 - 1 }],
  ];
  for (const [field, extra] of INIT_CASES) {
    it(`rejects an init segment with ${field} = ${Object.values(extra)[0]}`, () => {
      expect(() => initSegment({ sps: hex(CLIP_SPS), pps: hex(CLIP_PPS), ...extra })).toThrow(`invalid ${field}`);
    });
  }

  it("rejects an empty PPS and an SPS it cannot read the size from", () => {
    expect(() => initSegment({ sps: hex(CLIP_SPS), pps: new Uint8Array(0) })).toThrow(InvalidFieldError);
    expect(() => initSegment({ sps: hex("68ce039c80"), pps: hex(CLIP_PPS) })).toThrow(InvalidFieldError);
  });
});
