/**
 * Real decodes: init segments and fragments of the H.264 fixtures, stored as one .mp4 file
 * and as an HLS playlist with EXT-X-MAP, read by FFmpeg 5.1 (`ffmpeg -v error ... -f null -`
 * must print nothing) and counted by ffprobe. Skipped when FFmpeg is not installed.
 */
import { afterAll, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AccessUnit } from "../../../../src/media/access-unit.ts";
import { type TimedSample, initSegment, mediaFragment } from "../../../../src/media/fmp4/index.ts";
import { FFMPEG, FFPROBE, demuxWhole, fixture, hex } from "../fixtures.ts";
import { CLIP_PPS, CLIP_SPS, clipAccessUnits, concat, gops, runTool, samplesOf } from "./fmp4-fixtures.ts";
import { nalType } from "../../../../src/media/nal.ts";

const dir = mkdtempSync(join(tmpdir(), "camserver-fmp4-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Probe {
  frames: { key_frame: number; pts: number }[];
  packets: { dts: number; pts: number; flags: string }[];
  streams: { codec_name: string; width: number; height: number; nb_read_frames: string }[];
  format: { duration: string };
}

/** ffprobe's streams, decoded frames, packets and duration of `path`; fails on any message. */
function probe(path: string): Probe {
  const r = runTool([
    FFPROBE!,
    "-v",
    "error",
    "-count_frames",
    "-show_entries",
    "stream=codec_name,width,height,nb_read_frames:format=duration:frame=key_frame,pts:packet=dts,pts,flags",
    "-of",
    "json",
    path,
  ]);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  // With both packets and frames asked for, ffprobe lists them together, each with its type.
  const json = JSON.parse(r.stdout) as Omit<Probe, "frames" | "packets"> & { packets_and_frames: { type: string }[] };
  const of = <T>(type: string) => json.packets_and_frames.filter((e) => e.type === type) as T[];
  return { ...json, frames: of("frame"), packets: of("packet") };
}

/** Decodes `path` whole with ffmpeg; it must exit 0 and print no error. */
function decodeCleanly(path: string): void {
  const r = runTool([FFMPEG!, "-nostdin", "-v", "error", "-i", path, "-f", "null", "-"]);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
}

/** Writes init + fragments of `runs` as one file; returns its path. */
function writeMp4(name: string, sps: Uint8Array, pps: Uint8Array, runs: TimedSample[][], baseShift = 0): string {
  const frags = runs.map((samples, i) => mediaFragment({ sequenceNumber: i + 1, baseDecodeTime: samples[0]!.dts + baseShift, samples }));
  const path = join(dir, name);
  writeFileSync(path, concat([initSegment({ sps, pps }), ...frags]));
  return path;
}

/** Runs of `n` samples, not aligned to keyframes, as LL-HLS parts are. */
function parts(samples: TimedSample[], n: number): TimedSample[][] {
  const out: TimedSample[][] = [];
  for (let i = 0; i < samples.length; i += n) out.push(samples.slice(i, i + n));
  return out;
}

function expectClip(p: Probe, frames: number, seconds: number, aus: readonly AccessUnit[], shift = 0): void {
  expect(p.streams[0]).toMatchObject({ codec_name: "h264", nb_read_frames: String(frames) });
  expect(p.frames.length).toBe(frames);
  expect(p.frames[0]!.key_frame).toBe(1);
  expect(Number(p.format.duration)).toBeCloseTo(seconds, 3);
  const pts = aus.map((a) => a.pts - aus[0]!.dts + shift).sort((a, b) => a - b);
  expect(p.frames.map((f) => f.pts)).toEqual(pts);
}

describe.skipIf(!FFMPEG || !FFPROBE)("fMP4 decoded by FFmpeg", () => {
  const clip = clipAccessUnits();
  const clipSamples = samplesOf(clip);
  const [sps, pps] = [hex(CLIP_SPS), hex(CLIP_PPS)];

  it("decodes clip320 as init + one fragment per GOP in one .mp4: 10 frames, keyframe first, 1/3 s", () => {
    const path = writeMp4("gops.mp4", sps, pps, gops(clipSamples));
    decodeCleanly(path);
    const p = probe(path);
    expectClip(p, 10, 10 / 30, clip);
    expect(p.streams[0]).toMatchObject({ width: 320, height: 240 });
    expect(p.frames.map((f) => f.key_frame)).toEqual([1, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
  });

  it("decodes clip320 cut into fragments of two samples that do not start at keyframes (LL-HLS parts)", () => {
    const path = writeMp4("parts.mp4", sps, pps, parts(clipSamples, 2));
    decodeCleanly(path);
    expectClip(probe(path), 10, 10 / 30, clip);
  });

  it("decodes B-frames with the composition offsets of bframes.flv, frames in presentation order", () => {
    const { aus, demuxer } = demuxWhole(fixture("bframes.flv"));
    const path = writeMp4("bframes.mp4", demuxer.sps[0]!, demuxer.pps[0]!, [samplesOf(aus)]);
    decodeCleanly(path);
    const p = probe(path);
    expectClip(p, 8, 8 * 0.04, aus);
    expect(p.packets.map((k) => k.pts - k.dts)).toEqual(aus.map((a) => a.pts - a.dts));
  });

  it("decodes an FLV copied from MP4 whose SPS and PPS are only in the avcC", () => {
    const { aus, demuxer } = demuxWhole(fixture("clip320-from-mp4.flv"));
    expect(aus[0]!.nalus.some((n) => nalType(n) === 7)).toBe(false);
    const path = writeMp4("avcc-only.mp4", demuxer.sps[0]!, demuxer.pps[0]!, gops(samplesOf(aus)));
    decodeCleanly(path);
    expect(probe(path).frames.length).toBe(10);
  });

  it("keeps decode times beyond 2^32 ticks (tfdt version 1)", () => {
    const shift = 3 * 2 ** 32 + 7;
    const path = writeMp4("tfdt64.mp4", sps, pps, gops(clipSamples), shift);
    decodeCleanly(path);
    const p = probe(path);
    expect(p.packets.map((k) => k.dts)).toEqual(clip.map((a) => a.dts + shift));
    expect(p.frames[0]!.key_frame).toBe(1);
  });

  it("plays init + segments with styp as an HLS playlist with EXT-X-MAP", () => {
    writeFileSync(join(dir, "init.mp4"), initSegment({ sps, pps }));
    const segments = gops(clipSamples).map((samples, i) => {
      writeFileSync(join(dir, `seg${i}.m4s`), mediaFragment({ sequenceNumber: i + 1, baseDecodeTime: samples[0]!.dts, samples, styp: true }));
      const seconds = samples.reduce((n, s) => n + s.duration, 0) / 90000;
      return `#EXTINF:${seconds.toFixed(6)},\nseg${i}.m4s\n`;
    });
    const playlist = join(dir, "list.m3u8");
    writeFileSync(
      playlist,
      "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n" +
        `#EXT-X-MAP:URI="init.mp4"\n${segments.join("")}#EXT-X-ENDLIST\n`,
    );
    decodeCleanly(playlist);
    expectClip(probe(playlist), 10, 10 / 30, clip);
  });
});
