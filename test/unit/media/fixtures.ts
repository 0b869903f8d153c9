/**
 * Shared case tables and helpers of the media tests. Binary fixtures and the FFmpeg
 * commands that made them are in ./fixtures/README.md.
 */

import { MediaError } from "../../../src/media/errors.ts";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { AccessUnit } from "../../../src/media/access-unit.ts";
import { FlvDemuxer } from "../../../src/media/flv-demux.ts";

/** Bytes of a file under ./fixtures. */
export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(import.meta.dir, "fixtures", name)));
}

/** Hex string (spaces allowed) to bytes. */
export function hex(s: string): Uint8Array {
  const clean = s.replace(/\s+/g, "");
  return Uint8Array.from(clean.match(/../g) ?? [], (b) => Number.parseInt(b, 16));
}

/** Bytes to lowercase hex. */
export function toHex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

/** The FLV fixtures, each with what FFmpeg says it holds. */
export const FLV_FIXTURES = [
  { file: "clip320-from-h264.flv", aus: 10, keyframes: 2, width: 320, height: 240 },
  { file: "clip320-from-mp4.flv", aus: 10, keyframes: 2, width: 320, height: 240 },
  { file: "bframes.flv", aus: 8, keyframes: 1, width: 160, height: 120 },
  { file: "audio-video.flv", aus: 6, keyframes: 2, width: 320, height: 240 },
  { file: "extended-timestamp.flv", aus: 3, keyframes: 1, width: 64, height: 64 },
] as const;

/**
 * SPS NAL units of real encodes, with the values ffprobe reports for the same stream.
 * Unless the source says otherwise each is the SPS of
 * `ffmpeg -f lavfi -i testsrc2=size=WxH:rate=R -frames:v 1 -c:v libx264 -preset ultrafast EXTRA -f h264 out.h264`
 * with FFmpeg 5.1.9 / libx264 164.
 */
export const SPS_CASES = [
  {
    name: "320x240 baseline at 30 fps",
    source: "size=320x240:rate=30 (clip320.h264)",
    sps: "6742c00dda0507ec0440000003004000000f03c50aa8",
    profileIdc: 66,
    levelIdc: 13,
    width: 320,
    height: 240,
    fps: 30,
    frameMbsOnly: true,
    chromaFormatIdc: 1,
  },
  {
    name: "1280x720 baseline at 25 fps, no cropping since 720 is 45 macroblocks",
    source: "size=1280x720:rate=25",
    sps: "6742c01fda014016ec0440000003004000000c83c60ca8",
    profileIdc: 66,
    levelIdc: 31,
    width: 1280,
    height: 720,
    fps: 25,
    frameMbsOnly: true,
    chromaFormatIdc: 1,
  },
  {
    name: "1280x720 interlaced, cropped from 736 in field-pair units",
    source: "size=1280x720:rate=25 EXTRA=-x264-params interlaced=1",
    sps: "674d4020f402805df97011000003000100000300321f162ea0",
    profileIdc: 77,
    levelIdc: 32,
    width: 1280,
    height: 720,
    fps: 25,
    frameMbsOnly: false,
    chromaFormatIdc: 1,
  },
  {
    name: "1920x1080 baseline at 30 fps, cropped from 1088",
    source: "size=1920x1080:rate=30",
    sps: "6742c028da01e0089f970110000003001000000303c0f1832a",
    profileIdc: 66,
    levelIdc: 40,
    width: 1920,
    height: 1080,
    fps: 30,
    frameMbsOnly: true,
    chromaFormatIdc: 1,
  },
  {
    name: "1920x1080 at 29.97 fps (30000/1001)",
    source: "size=1920x1080:rate=30000/1001",
    sps: "6742c028da01e0089f97011000003e90000ea600f1832a",
    profileIdc: 66,
    levelIdc: 40,
    width: 1920,
    height: 1080,
    fps: 30000 / 1001,
    frameMbsOnly: true,
    chromaFormatIdc: 1,
  },
  {
    name: "1920x1080 interlaced, cropped from 1088",
    source: "size=1920x1080:rate=25 EXTRA=-x264-params interlaced=1",
    sps: "674d4028f403c0227ef011000003000100000300321f162ea0",
    profileIdc: 77,
    levelIdc: 40,
    width: 1920,
    height: 1080,
    fps: 25,
    frameMbsOnly: false,
    chromaFormatIdc: 1,
  },
  {
    name: "1920x1080 High profile at 60 fps",
    source: "size=1920x1080:rate=60 EXTRA=-profile:v high -preset slow",
    sps: "67640032acd980780227e5c044000003000400000301e03c60c668",
    profileIdc: 100,
    levelIdc: 50,
    width: 1920,
    height: 1080,
    fps: 60,
    frameMbsOnly: true,
    chromaFormatIdc: 1,
  },
  {
    name: "1366x768 cropped on the right from 1376",
    source: "size=1366x768:rate=30",
    sps: "6742c020da01581879bc0440000003004000000f03c60ca8",
    profileIdc: 66,
    levelIdc: 32,
    width: 1366,
    height: 768,
    fps: 30,
    frameMbsOnly: true,
    chromaFormatIdc: 1,
  },
  {
    name: "350x286 High 4:4:4 with one-pixel crop units",
    source: "size=350x286:rate=50 EXTRA=-pix_fmt yuv444p -profile:v high444",
    sps: "67f400159196816097bbc044000003000400000301903c58ba80",
    profileIdc: 244,
    levelIdc: 21,
    width: 350,
    height: 286,
    fps: 50,
    frameMbsOnly: true,
    chromaFormatIdc: 3,
  },
  {
    name: "322x242 High 4:2:2 with 2x1 crop units",
    source: "size=322x242:rate=24 EXTRA=-pix_fmt yuv422p -profile:v high422",
    sps: "677a000dbcb40a843c447e0220000003002000000601e28554",
    profileIdc: 122,
    levelIdc: 13,
    width: 322,
    height: 242,
    fps: 24,
    frameMbsOnly: true,
    chromaFormatIdc: 2,
  },
  {
    name: "320x180 High 10",
    source: "size=320x180:rate=30 EXTRA=-pix_fmt yuv420p10le -profile:v high10",
    sps: "676e000da6cb40a0cfcf8088000003000800000301e078a155",
    profileIdc: 110,
    levelIdc: 13,
    width: 320,
    height: 180,
    fps: 30,
    frameMbsOnly: true,
    chromaFormatIdc: 1,
  },
  {
    name: "720x576 interlaced PAL",
    source: "size=720x576:rate=25 EXTRA=-x264-params interlaced=1",
    sps: "674d401ef405a126c044000003000400000300c87c50aa80",
    profileIdc: 77,
    levelIdc: 30,
    width: 720,
    height: 576,
    fps: 25,
    frameMbsOnly: false,
    chromaFormatIdc: 1,
  },
  {
    name: "2560x1440 camera SPS with a sequence scaling matrix",
    source:
      'the "scaling matrix" case of bluenviron/mediacommon pkg/codecs/h264/sps_test.go (a real camera); ' +
      "FFmpeg's trace_headers bsf reads seq_scaling_matrix_present_flag = 1, 160x90 MBs, time_scale 40",
    sps: "67640032ad84010c20086100430802184010c200843b5014005ad370101014000003000400000300a210",
    profileIdc: 100,
    levelIdc: 50,
    width: 2560,
    height: 1440,
    fps: 20,
    frameMbsOnly: true,
    chromaFormatIdc: 1,
  },
] as const;

/** Demuxes a whole FLV file in one push. */
export function demuxWhole(bytes: Uint8Array): { aus: AccessUnit[]; demuxer: FlvDemuxer } {
  const demuxer = new FlvDemuxer();
  return { aus: demuxer.push(bytes), demuxer };
}

/** Deterministic PRNG (mulberry32) so that random tests are reproducible from their seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Splits `bytes` into chunks of random sizes 1..maxChunk, each copied into its own buffer. */
export function randomChunks(bytes: Uint8Array, rand: () => number, maxChunk: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let o = 0; o < bytes.length; ) {
    const n = 1 + Math.floor(rand() * maxChunk);
    chunks.push(bytes.slice(o, o + n));
    o += n;
  }
  return chunks;
}

/** Path of ffmpeg/ffprobe, or null when not installed (the tests that need it are skipped). */
export const FFMPEG = Bun.which("ffmpeg");
export const FFPROBE = Bun.which("ffprobe");

/** Offsets of the tags of an FLV file: where each tag header starts, its TagType and DataSize. */
export function flvTags(flv: Uint8Array): { offset: number; type: number; dataSize: number }[] {
  const tags = [];
  for (let o = 13; o + 11 <= flv.length; ) {
    const dataSize = (flv[o + 1]! << 16) | (flv[o + 2]! << 8) | flv[o + 3]!;
    tags.push({ offset: o, type: flv[o]! & 0x1f, dataSize });
    o += 11 + dataSize + 4;
  }
  return tags;
}

/** Runs `f` and fails if it throws anything but a MediaError. Returns whether it threw. */
export function onlyMediaErrors(f: () => unknown): boolean {
  try {
    f();
    return false;
  } catch (e) {
    if (!(e instanceof MediaError)) throw new Error(`threw a non-MediaError: ${String(e)}`, { cause: e });
    return true;
  }
}
