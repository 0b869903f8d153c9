import { describe, expect, it } from "bun:test";
import type { AccessUnit } from "../../../src/media/access-unit.ts";
import { InvalidFieldError, TooLargeError } from "../../../src/media/errors.ts";
import { FlvDemuxer } from "../../../src/media/flv-demux.ts";
import { FlvMuxer } from "../../../src/media/flv-mux.ts";
import { FFPROBE, FLV_FIXTURES, demuxWhole, fixture, flvTags, hex, toHex } from "./fixtures.ts";

/** The bytes of one tag of `flv` followed by its PreviousTagSize. */
function tagBytes(flv: Uint8Array, t: { offset: number; dataSize: number }): Uint8Array {
  return flv.subarray(t.offset, t.offset + 11 + t.dataSize + 4);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** A whole FLV file of `aus` with the given parameter sets, timestamps relative to the first dts. */
function muxFile(aus: AccessUnit[], sps: readonly Uint8Array[], pps: readonly Uint8Array[]): Uint8Array {
  const mux = new FlvMuxer();
  const base = aus[0]!.dts;
  return concat([mux.header(), mux.sequenceHeader(sps, pps, base, base), ...aus.map((au) => mux.videoTag(au, base))]);
}

describe("FlvMuxer", () => {
  it("writes the FLV header with only the video flag and PreviousTagSize0", () => {
    expect(toHex(new FlvMuxer().header())).toBe("464c5601010000000900000000");
  });

  for (const f of FLV_FIXTURES) {
    it(`writes the sequence header, video and end-of-sequence tags of ${f.file} byte for byte as FFmpeg`, () => {
      const flv = fixture(f.file);
      const { aus, demuxer } = demuxWhole(flv);
      const video = flvTags(flv).filter((t) => t.type === 9);
      const mux = new FlvMuxer();
      expect(toHex(mux.sequenceHeader(demuxer.sps, demuxer.pps, 0))).toBe(toHex(tagBytes(flv, video[0]!)));
      aus.forEach((au, i) => expect(toHex(mux.videoTag(au, 0))).toBe(toHex(tagBytes(flv, video[i + 1]!))));
      const last = aus.at(-1)!;
      expect(toHex(mux.endOfSequence(last.dts))).toBe(toHex(tagBytes(flv, video.at(-1)!)));
    });

    it(`round-trips the access units of ${f.file} through FlvMuxer and FlvDemuxer unchanged`, () => {
      const { aus, demuxer } = demuxWhole(fixture(f.file));
      const again = new FlvDemuxer();
      const base = aus[0]!.dts;
      const bytes = muxFile(aus, demuxer.sps, demuxer.pps);
      expect(again.push(bytes).map((au) => ({ ...au, dts: au.dts + base, pts: au.pts + base }))).toEqual(aus);
      expect(again.sps).toEqual(demuxer.sps);
      expect(again.pps).toEqual(demuxer.pps);
    });
  }

  it("rounds 90 kHz timestamps to milliseconds relative to baseDts", () => {
    const au = { nalus: [hex("4101")], dts: 90_000 + 1_000, pts: 90_000 + 1_000 + 3_000, isKeyframe: false };
    const tag = new FlvMuxer().videoTag(au, 90_000);
    expect(toHex(tag.subarray(4, 8))).toBe("00000b00"); // round(1000 / 90) = 11 ms
    expect(toHex(tag.subarray(11, 16))).toBe("2701000021"); // inter frame, AVC NALU, 33 ms
  });

  it("writes a negative composition time as two's complement", () => {
    const au = { nalus: [hex("4101")], dts: 9000, pts: 9000 - 3600, isKeyframe: false };
    expect(toHex(new FlvMuxer().videoTag(au, 0).subarray(13, 16))).toBe("ffffd8");
  });

  it("writes timestamps above 2^24 ms with TimestampExtended", () => {
    const au = { nalus: [hex("6501")], dts: 17_000_000 * 90, pts: 17_000_000 * 90, isKeyframe: true };
    const tag = new FlvMuxer().videoTag(au, 0);
    expect(toHex(tag.subarray(4, 8))).toBe("03664001"); // 17 000 000 = 0x01036640: low 24 bits, then the high byte
  });

  it("leaves empty NAL units out", () => {
    const au = { nalus: [hex("6501"), new Uint8Array(0)], dts: 0, pts: 0, isKeyframe: true };
    expect(new FlvDemuxer().push(concat([new FlvMuxer().header(), new FlvMuxer().videoTag(au, 0)]))[0]!.nalus).toEqual([hex("6501")]);
  });

  it("rejects a dts before baseDts, a non-finite one and a composition time beyond 24 bits", () => {
    const mux = new FlvMuxer();
    const au = { nalus: [hex("6501")], dts: 0, pts: 0, isKeyframe: true };
    expect(() => mux.videoTag(au, 900)).toThrow(InvalidFieldError);
    expect(() => mux.videoTag({ ...au, dts: Number.NaN }, 0)).toThrow(InvalidFieldError);
    expect(() => mux.videoTag({ ...au, pts: 2 ** 23 * 90 }, 0)).toThrow(InvalidFieldError);
    expect(() => mux.sequenceHeader([], [], 0)).toThrow(InvalidFieldError);
  });

  it("rejects an access unit that does not fit the 24-bit DataSize", () => {
    const au = { nalus: [new Uint8Array(0x1000000)], dts: 0, pts: 0, isKeyframe: true };
    expect(() => new FlvMuxer().videoTag(au, 0)).toThrow(TooLargeError);
  });

  it.skipIf(!FFPROBE)("produces FLV that FFmpeg reads back with every frame at the right size", () => {
    for (const f of FLV_FIXTURES) {
      const { aus, demuxer } = demuxWhole(fixture(f.file));
      const flv = muxFile(aus, demuxer.sps, demuxer.pps);
      const probe = Bun.spawnSync({
        cmd: [
          FFPROBE!,
          "-v",
          "error",
          "-f",
          "flv",
          "-i",
          "pipe:0",
          "-count_frames",
          "-select_streams",
          "v:0",
          "-show_entries",
          "stream=codec_name,width,height,nb_read_frames",
          "-of",
          "json",
        ],
        stdin: flv,
        timeout: 20_000,
      });
      expect(probe.stderr.toString()).toBe("");
      expect(probe.exitCode).toBe(0);
      const stream = JSON.parse(probe.stdout.toString()).streams[0];
      expect(stream).toEqual({ codec_name: "h264", width: f.width, height: f.height, nb_read_frames: String(f.aus) });
    }
  });
});
