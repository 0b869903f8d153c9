/**
 * avccSample and SampleBuilder: access units (90 kHz) to AVCC samples with durations.
 */
import { describe, expect, it } from "bun:test";
import type { AccessUnit } from "../../../../src/media/access-unit.ts";
import { DecodeTimeOrderError, InvalidFieldError } from "../../../../src/media/errors.ts";
import { SampleBuilder, avccSample } from "../../../../src/media/fmp4/index.ts";
import { demuxWhole, fixture, hex, toHex } from "../fixtures.ts";
import { CLIP_PPS, CLIP_SPS, clipAccessUnits, samplesOf } from "./fmp4-fixtures.ts";

const au = (dts: number, pts = dts, isKeyframe = false, nalus = [hex("4101")]): AccessUnit => ({ nalus, dts, pts, isKeyframe });

describe("avccSample", () => {
  it("prefixes every NAL unit with its 4-byte big-endian length (ISO/IEC 14496-15)", () => {
    expect(toHex(avccSample([hex("67aa"), hex("68"), hex("65" + "00".repeat(299))]))).toBe(`0000000267aa0000000168${"0000012c65"}${"00".repeat(299)}`);
  });

  it("gives an empty sample for no NAL units and rejects an empty NAL unit", () => {
    expect(avccSample([]).length).toBe(0);
    expect(() => avccSample([hex("41"), new Uint8Array(0)])).toThrow(InvalidFieldError);
  });
});

describe("SampleBuilder", () => {
  it("returns each access unit when the next arrives, with the difference of their dts as duration", () => {
    const b = new SampleBuilder();
    expect(b.push(au(1000, 1000, true))).toBeUndefined();
    expect(b.pending).toBe(true);
    const s = b.push(au(4003))!;
    expect({ dts: s.dts, duration: s.duration, isSync: s.isSync, cto: s.compositionOffset }).toEqual({ dts: 1000, duration: 3003, isSync: true, cto: 0 });
    expect(b.push(au(7000))!.duration).toBe(2997);
  });

  it("keeps the in-band SPS and PPS in front of the IDR in the sample", () => {
    const [idr] = samplesOf(clipAccessUnits());
    expect(toHex(idr!.data.subarray(0, 4 + 22 + 4 + 5))).toBe(`00000016${CLIP_SPS}00000005${CLIP_PPS}`);
    expect(idr!.isSync).toBe(true);
  });

  it("gives B-frames the signed pts - dts of the FLV fixture as composition offset", () => {
    const { aus } = demuxWhole(fixture("bframes.flv"));
    const samples = samplesOf(aus);
    expect(samples.map((s) => s.compositionOffset)).toEqual(aus.map((a) => a.pts - a.dts));
    expect(samples.map((s) => s.duration)).toEqual([3600, 3600, 3600, 3600, 3600, 3600, 3600, 3600]);
  });

  it("flushes the held access unit with the last duration, a given one, or 1/30 s", () => {
    const b = new SampleBuilder();
    expect(b.flush()).toBeUndefined();
    b.push(au(0));
    expect(b.flush()!.duration).toBe(3000); // nothing seen yet: 1/30 s of 90 kHz
    expect(b.pending).toBe(false);
    b.push(au(0));
    b.push(au(3600));
    expect(b.flush()!.duration).toBe(3600);
    b.push(au(100));
    expect(b.flush(1234)).toMatchObject({ dts: 100, duration: 1234 });
    b.push(au(0));
    expect(() => b.flush(-1)).toThrow(InvalidFieldError);
  });

  it("rejects an access unit whose dts does not increase and keeps the one it holds", () => {
    const b = new SampleBuilder();
    b.push(au(9000));
    expect(() => b.push(au(9000))).toThrow(DecodeTimeOrderError);
    expect(() => b.push(au(6000))).toThrow("decoding time 6000 does not follow 9000");
    expect(b.push(au(12000))).toMatchObject({ dts: 9000, duration: 3000 });
  });

  it("starts a new timeline after flush, so an earlier dts is accepted", () => {
    const b = new SampleBuilder();
    b.push(au(90000));
    b.flush();
    expect(b.push(au(0))).toBeUndefined();
    expect(b.push(au(3000))).toMatchObject({ dts: 0, duration: 3000 });
  });

  it("converts 90 kHz timestamps to the track timescale without drift", () => {
    const b = new SampleBuilder({ timescale: 1000 });
    const out = [];
    for (let i = 0; i <= 30; i++) out.push(b.push(au(i * 3003, i * 3003 + 6006)));
    const samples = out.filter((s) => s !== undefined);
    expect(samples.reduce((n, s) => n + s.duration, 0)).toBe(Math.round((30 * 3003) / 90)); // 1001 ms
    expect(new Set(samples.map((s) => s.duration))).toEqual(new Set([33, 34]));
    expect(samples.every((s) => s.compositionOffset === 67 || s.compositionOffset === 66)).toBe(true);
  });

  it("rejects a timescale out of range and timestamps that are not safe integers", () => {
    expect(() => new SampleBuilder({ timescale: 0 })).toThrow(InvalidFieldError);
    expect(() => new SampleBuilder().push(au(Number.NaN))).toThrow(InvalidFieldError);
    expect(() => new SampleBuilder().push(au(0, 2 ** 53))).toThrow(InvalidFieldError);
  });
});
