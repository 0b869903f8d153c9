import { describe, expect, it } from "bun:test";
import type { AccessUnit } from "../../../src/media/access-unit.ts";
import { toAnnexB } from "../../../src/media/annexb.ts";
import { nalType } from "../../../src/media/nal.ts";
import { ParameterSetCache, withParameterSets } from "../../../src/media/parameter-sets.ts";
import { FFPROBE, demuxWhole, fixture, hex, toHex } from "./fixtures.ts";

const SPS = hex("6742c00dda0507ec0440000003004000000f03c50aa8"); // clip320's SPS
const PPS = hex("68ce039c80");
const OLD_SPS = hex("6742c01fda014016ec0440000003004000000c83c60ca8");
const OLD_PPS = hex("68ce0fc8");
const AUD = hex("0910");
const SEI = hex("0605ff");
const IDR = hex("6588");
const P = hex("419a");

const au = (nalus: Uint8Array[], isKeyframe = true): AccessUnit => ({ nalus, dts: 900, pts: 1800, isKeyframe });
const names = (a: AccessUnit) => a.nalus.map((n) => ({ 9: "AUD", 7: "SPS", 8: "PPS", 6: "SEI", 5: "IDR", 1: "P" })[nalType(n)]);

describe("withParameterSets", () => {
  const cases = [
    { name: "a bare IDR", nalus: [IDR], want: ["SPS", "PPS", "IDR"] },
    { name: "an IDR after SEI", nalus: [SEI, IDR], want: ["SPS", "PPS", "SEI", "IDR"] },
    { name: "an IDR with an access unit delimiter", nalus: [AUD, SEI, IDR], want: ["AUD", "SPS", "PPS", "SEI", "IDR"] },
    { name: "an IDR that already carries SPS and PPS", nalus: [SPS, PPS, IDR], want: ["SPS", "PPS", "IDR"] },
    { name: "an IDR that carries stale SPS and PPS", nalus: [AUD, OLD_SPS, OLD_PPS, SEI, IDR], want: ["AUD", "SPS", "PPS", "SEI", "IDR"] },
  ];
  for (const c of cases) {
    it(`puts SPS and PPS in front of ${c.name}, once`, () => {
      const out = withParameterSets(au(c.nalus), [SPS], [PPS]);
      expect(names(out)).toEqual(c.want);
      expect(out.nalus.filter((n) => nalType(n) === 7)).toEqual([SPS]);
      expect(out.nalus.filter((n) => nalType(n) === 8)).toEqual([PPS]);
      expect(out).toMatchObject({ dts: 900, pts: 1800, isKeyframe: true });
    });
  }

  it("returns a non-keyframe unchanged", () => {
    const p = au([P], false);
    expect(withParameterSets(p, [SPS], [PPS])).toBe(p);
  });

  it("returns the keyframe unchanged when no SPS or PPS is known yet", () => {
    const k = au([OLD_SPS, OLD_PPS, IDR]);
    expect(withParameterSets(k, [], [PPS])).toBe(k);
    expect(withParameterSets(k, [SPS], [])).toBe(k);
  });

  it("does not modify the access unit it was given", () => {
    const k = au([AUD, IDR]);
    withParameterSets(k, [SPS], [PPS]);
    expect(names(k)).toEqual(["AUD", "IDR"]);
  });

  it.skipIf(!FFPROBE)("makes keyframes of an FLV copied from MP4 decodable as Annex B", () => {
    const { aus, demuxer } = demuxWhole(fixture("clip320-from-mp4.flv"));
    const probe = (stream: AccessUnit[]) => {
      const r = Bun.spawnSync({
        cmd: [FFPROBE!, "-v", "error", "-f", "h264", "-i", "pipe:0", "-count_frames", "-show_entries", "stream=width,height,nb_read_frames", "-of", "json"],
        stdin: toAnnexB(stream.flatMap((a) => a.nalus)),
        timeout: 20_000,
      });
      return JSON.parse(r.stdout.toString() || "{}").streams?.[0];
    };
    // Without the sequence header's SPS and PPS FFmpeg finds no decodable stream.
    expect(probe(aus)?.nb_read_frames ?? "0").toBe("0");
    const fixed = aus.map((a) => withParameterSets(a, demuxer.sps, demuxer.pps));
    expect(probe(fixed)).toEqual({ width: 320, height: 240, nb_read_frames: "10" });
  });
});

describe("ParameterSetCache", () => {
  it("remembers the SPS and PPS of an access unit and reports the change", () => {
    const cache = new ParameterSetCache();
    expect(cache.ready).toBe(false);
    expect(cache.update(au([SPS, PPS, IDR]))).toBe(true);
    expect(cache.changed).toBe(true);
    expect(cache.sps).toEqual([SPS]);
    expect(cache.pps).toEqual([PPS]);
    expect(cache.ready).toBe(true);
  });

  it("reports no change for the same bytes in a new buffer or for access units without them", () => {
    const cache = new ParameterSetCache();
    cache.update(au([SPS, PPS, IDR]));
    expect(cache.update(au([SPS.slice(), PPS.slice(), IDR]))).toBe(false);
    expect(cache.update(au([P], false))).toBe(false);
    expect(cache.changed).toBe(false);
  });

  it("replaces only the PPS when an access unit carries only a PPS", () => {
    const cache = new ParameterSetCache();
    cache.update(au([SPS, PPS, IDR]));
    expect(cache.update(au([OLD_PPS, IDR]))).toBe(true);
    expect(cache.sps.map(toHex)).toEqual([toHex(SPS)]);
    expect(cache.pps.map(toHex)).toEqual([toHex(OLD_PPS)]);
  });

  it("takes out-of-band parameter sets from a sequence header and keeps its own copies", () => {
    const cache = new ParameterSetCache();
    const sps = SPS.slice();
    expect(cache.set([sps], [PPS])).toBe(true);
    sps.fill(0);
    expect(cache.sps).toEqual([SPS]);
    expect(cache.set([], [])).toBe(false);
    expect(cache.ready).toBe(true);
  });

  it("follows the pipeline over a real stream whose keyframes carry SPS and PPS in-band", () => {
    const { aus } = demuxWhole(fixture("clip320-from-h264.flv"));
    const cache = new ParameterSetCache();
    expect(aus.map((a) => cache.update(a))).toEqual([true, false, false, false, false, false, false, false, false, false]);
    expect(cache.sps.map(toHex)).toEqual([toHex(SPS)]);
  });
});
