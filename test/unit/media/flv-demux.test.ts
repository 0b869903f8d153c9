import { describe, expect, it } from "bun:test";
import type { AccessUnit } from "../../../src/media/access-unit.ts";
import { InvalidFieldError, MediaError, TooLargeError, TruncatedError, UnsupportedCodecError } from "../../../src/media/errors.ts";
import { FlvDemuxer } from "../../../src/media/flv-demux.ts";
import { FlvMuxer } from "../../../src/media/flv-mux.ts";
import { nalType } from "../../../src/media/nal.ts";
import { parseSps } from "../../../src/media/sps.ts";
import { FLV_FIXTURES, demuxWhole, fixture, flvTags, hex, prng, randomChunks, toHex } from "./fixtures.ts";
import { nalBytes } from "../../../src/media/nal-unit.ts";

const ms = (aus: AccessUnit[]) => aus.map((au) => au.dts / 90);
const types = (aus: AccessUnit[]) => aus.map((au) => au.nalus.map(nalType));

/** A copy of `flv` with its first video tag after the sequence header changed by `edit(body)`. */
function withFirstFrameEdited(flv: Uint8Array, edit: (body: Uint8Array) => void): Uint8Array {
  const copy = flv.slice();
  const tag = flvTags(copy).filter((t) => t.type === 9)[1]!;
  edit(copy.subarray(tag.offset + 11, tag.offset + 11 + tag.dataSize));
  return copy;
}

describe("FlvDemuxer on FFmpeg's FLV files", () => {
  for (const f of FLV_FIXTURES) {
    it(`yields ${f.aus} access units with ${f.keyframes} keyframes from ${f.file}`, () => {
      const { aus, demuxer } = demuxWhole(fixture(f.file));
      expect(aus.length).toBe(f.aus);
      expect(aus.filter((au) => au.isKeyframe).length).toBe(f.keyframes);
      expect(aus[0]!.isKeyframe).toBe(true);
      expect(parseSps(demuxer.sps[0]!)).toMatchObject({ width: f.width, height: f.height });
      expect(demuxer.pps.length).toBe(1);
      expect(demuxer.nalLengthSize).toBe(4);
    });

    it(`yields the same access units from ${f.file} fed in random chunk sizes as fed whole`, () => {
      const flv = fixture(f.file);
      const whole = demuxWhole(flv).aus;
      const rand = prng(f.file.length);
      for (const max of [1, 2, 11, 15, 100, 4096, 65536]) {
        const d = new FlvDemuxer();
        expect(randomChunks(flv, rand, max).flatMap((c) => d.push(c))).toEqual(whole);
      }
    });
  }

  it("keeps in-band SPS and PPS of a stream copied from Annex B", () => {
    expect(types(demuxWhole(fixture("clip320-from-h264.flv")).aus)).toEqual([[7, 8, 6, 5], [1], [1], [1], [1], [7, 8, 5], [1], [1], [1], [1]]);
  });

  it("finds no SPS or PPS in keyframes of a stream copied from MP4, only in the sequence header", () => {
    const { aus, demuxer } = demuxWhole(fixture("clip320-from-mp4.flv"));
    expect(types(aus)).toEqual([[6, 5], [1], [1], [1], [1], [5], [1], [1], [1], [1]]);
    expect(demuxer.sps.map(toHex)).toEqual(["6742c00dda0507ec0440000003004000000f03c50aa8"]);
    expect(demuxer.pps.map(toHex)).toEqual(["68ce039c80"]);
  });

  it("converts FLV milliseconds to 90 kHz dts and adds the composition time to pts", () => {
    const aus = demuxWhole(fixture("bframes.flv")).aus;
    expect(ms(aus)).toEqual([0, 40, 80, 120, 160, 200, 240, 280]);
    expect(aus.map((au) => (au.pts - au.dts) / 90)).toEqual([80, 160, 40, 40, 160, 40, 40, 80]);
  });

  it("reads TimestampExtended as the high byte of the timestamp", () => {
    expect(ms(demuxWhole(fixture("extended-timestamp.flv")).aus)).toEqual([17_000_000, 17_000_100, 17_000_200]);
  });

  it("skips audio and script tags", () => {
    const flv = fixture("audio-video.flv");
    expect(flvTags(flv).filter((t) => t.type === 8).length).toBe(4);
    expect(ms(demuxWhole(flv).aus)).toEqual([128, 161, 195, 228, 261, 295]);
  });

  it("reads a negative composition time", () => {
    const flv = withFirstFrameEdited(fixture("bframes.flv"), (body) => body.set([0xff, 0xff, 0xd8], 2)); // -40 ms
    const au = demuxWhole(flv).aus[0]!;
    expect(au.pts - au.dts).toBe(-40 * 90);
  });

  it("honours a 2-byte NAL length size from the sequence header", () => {
    const body = [0x17, 1, 0, 0, 0, 0, 3, 0x65, 0xaa, 0xbb, 0, 2, 0x41, 0xcc];
    const config = [0x17, 0, 0, 0, 0, 1, 0x42, 0xc0, 0x0d, 0xfd, 0xe1, 0, 4, 0x67, 0x42, 0xc0, 0x0d, 1, 0, 2, 0x68, 0xce];
    const tag = (b: number[]) => [9, 0, 0, b.length, 0, 0, 0, 0, 0, 0, 0, ...b, 0, 0, 0, 11 + b.length];
    const flv = Uint8Array.from([0x46, 0x4c, 0x56, 1, 1, 0, 0, 0, 9, 0, 0, 0, 0, ...tag(config), ...tag(body)]);
    const aus = demuxWhole(flv).aus;
    expect(aus.map((au) => au.nalus.map((n) => toHex(nalBytes(n))))).toEqual([["65aabb", "41cc"]]);
    expect(aus[0]!.isKeyframe).toBe(true);
  });

  it("returns access units that survive the caller reusing its chunk buffer", () => {
    const flv = fixture("clip320-from-mp4.flv");
    const d = new FlvDemuxer();
    const reused = new Uint8Array(1000);
    const aus: AccessUnit[] = [];
    for (let o = 0; o < flv.length; o += reused.length) {
      const n = Math.min(reused.length, flv.length - o);
      reused.set(flv.subarray(o, o + n));
      aus.push(...d.push(reused.subarray(0, n)));
      reused.fill(0x77);
    }
    const whole = demuxWhole(flv);
    expect(aus).toEqual(whole.aus);
    expect(d.sps).toEqual(whole.demuxer.sps);
    expect(d.pps).toEqual(whole.demuxer.pps);
  });
});

describe("FlvDemuxer on the hot path", () => {
  /** An FLV file of `count` access units of one `size`-byte NAL unit each, 30 per second. */
  function synthetic(count: number, size: number): Uint8Array {
    const mux = new FlvMuxer();
    const parts = [mux.header(), mux.sequenceHeader([hex("6742c00dda0507ec0440000003004000000f03c50aa8")], [hex("68ce039c80")], 0)];
    for (let i = 0; i < count; i++) {
      const nal = new Uint8Array(size).fill(i % 251);
      nal[0] = i % 30 === 0 ? 0x65 : 0x41;
      parts.push(mux.videoTag({ nalus: [nal], dts: i * 3000, pts: i * 3000, isKeyframe: i % 30 === 0 }, 0));
    }
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    parts.reduce((o, p) => (out.set(p, o), o + p.length), 0);
    return out;
  }

  function demuxInChunks(flv: Uint8Array, chunk: number): { aus: AccessUnit[]; ms: number } {
    const start = performance.now();
    const d = new FlvDemuxer();
    const aus: AccessUnit[] = [];
    for (let o = 0; o < flv.length; o += chunk) aus.push(...d.push(flv.subarray(o, o + chunk)));
    return { aus, ms: performance.now() - start };
  }

  // Bounds are ~50x what a linear demuxer needs; quadratic buffering would need minutes.
  it("demuxes 2000 access units of 15 KB in 1500-byte chunks in linear time", () => {
    const { aus, ms } = demuxInChunks(synthetic(2000, 15_000), 1500);
    expect(aus.length).toBe(2000);
    expect(aus.filter((au) => au.isKeyframe).length).toBe(67);
    expect(aus[1999]!.dts).toBe(Math.round((1999 * 3000) / 90) * 90); // FLV keeps whole milliseconds
    expect(ms).toBeLessThan(3000);
  });

  it("collects one 8 MB tag delivered in 100-byte chunks without copying it again per chunk", () => {
    const { aus, ms } = demuxInChunks(synthetic(1, 8 * 1024 * 1024), 100);
    expect(aus[0]!.nalus[0]!.byteLength).toBe(8 * 1024 * 1024);
    expect(ms).toBeLessThan(3000);
  });
});

describe("FlvDemuxer errors", () => {
  it("rejects a bad signature and keeps failing afterwards", () => {
    const d = new FlvDemuxer();
    expect(() => d.push(new TextEncoder().encode("GIF89a......"))).toThrow(InvalidFieldError);
    expect(() => d.push(fixture("bframes.flv"))).toThrow(InvalidFieldError);
  });

  it("rejects a video codec other than AVC with UnsupportedCodecError naming the codec id", () => {
    const flv = withFirstFrameEdited(fixture("bframes.flv"), (body) => {
      body[0] = 0x12; // keyframe, CodecID 2 (Sorenson H.263)
    });
    const err = (() => {
      try {
        demuxWhole(flv);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(UnsupportedCodecError);
    expect((err as UnsupportedCodecError).codecId).toBe(2);
  });

  it("rejects an Enhanced RTMP tag with UnsupportedCodecError naming its FourCC", () => {
    const flv = withFirstFrameEdited(fixture("bframes.flv"), (body) => body.set([0x91, 0x68, 0x76, 0x63, 0x31]));
    expect(() => demuxWhole(flv)).toThrow(expect.objectContaining({ codecId: "hvc1" }));
  });

  it("rejects a tag above maxTagBytes as soon as its header arrives, without buffering it", () => {
    const flv = fixture("clip320-from-mp4.flv");
    const big = flvTags(flv).find((t) => t.dataSize > 1000)!;
    const d = new FlvDemuxer({ maxTagBytes: 1000 });
    expect(d.push(flv.subarray(0, big.offset + 10))).toEqual([]);
    expect(() => d.push(flv.subarray(big.offset + 10, big.offset + 11))).toThrow(TooLargeError);
  });

  it("rejects a NAL unit length that runs past its tag", () => {
    const flv = withFirstFrameEdited(fixture("bframes.flv"), (body) => body.set([0, 0x10, 0, 0], 5));
    expect(() => demuxWhole(flv)).toThrow(TruncatedError);
  });

  it("rejects an unknown AVCPacketType", () => {
    const flv = withFirstFrameEdited(fixture("bframes.flv"), (body) => {
      body[1] = 3;
    });
    expect(() => demuxWhole(flv)).toThrow(InvalidFieldError);
  });

  it("throws only MediaError for a bad maxTagBytes option", () => {
    expect(() => new FlvDemuxer({ maxTagBytes: -1 })).toThrow(MediaError);
  });
});
