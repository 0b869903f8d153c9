/**
 * Random, truncated and mutated bytes for the fMP4 readers, and random options for the
 * writers: whatever the input, the only thing thrown is a MediaError. Seeded, so a failure
 * replays.
 */
import { describe, expect, it } from "bun:test";
import { type Box, childBoxes, initSegment, mediaFragment, readBoxes, readFragments, readFullBox, readInitSegment } from "../../../../src/media/fmp4/index.ts";
import { hex, onlyMediaErrors, prng } from "../fixtures.ts";
import { CLIP_PPS, CLIP_SPS, clipAccessUnits, concat, fmp4Fixture, gops, samplesOf } from "./fmp4-fixtures.ts";

const rand = prng(20_250_302);
const int = (n: number) => Math.floor(rand() * n);

/** Walks every box as a container, at every plausible child offset, to depth 3 (moov/trak/mdia/minf/stbl is deeper, but every reader below goes there). */
function walk(boxes: readonly Box[], depth: number): void {
  if (depth > 3) return;
  for (const b of boxes) {
    onlyMediaErrors(() => readFullBox(b));
    for (const skip of [0, 4, 8, 78]) {
      let children: Box[] = [];
      if (!onlyMediaErrors(() => (children = childBoxes(b, skip)))) walk(children, depth + 1);
    }
  }
}

/** Every reader on `bytes`. */
function readAll(bytes: Uint8Array): void {
  let boxes: Box[] = [];
  if (!onlyMediaErrors(() => (boxes = readBoxes(bytes)))) walk(boxes, 0);
  onlyMediaErrors(() => readFragments(bytes));
  onlyMediaErrors(() => readFragments(bytes, { defaults: { duration: int(5), size: int(3), flags: 0 }, maxSamples: 1000 }));
  onlyMediaErrors(() => readInitSegment(bytes));
}

function mutate(src: Uint8Array): Uint8Array {
  const b = src.slice(0, rand() < 0.3 ? int(src.length + 1) : src.length);
  for (let k = 1 + int(6); k > 0 && b.length > 0; k--) {
    const at = int(b.length);
    // Box sizes and counts live in the high bytes of 32-bit words: hit them with extremes too.
    b[at] = rand() < 0.5 ? int(256) : [0, 1, 0x7f, 0x80, 0xff][int(5)]!;
  }
  return b;
}

const clip = samplesOf(clipAccessUnits());
const OURS = concat([
  initSegment({ sps: hex(CLIP_SPS), pps: hex(CLIP_PPS) }),
  ...gops(clip).map((samples, i) => mediaFragment({ sequenceNumber: i + 1, baseDecodeTime: i * 15000, samples, styp: true })),
]);
const SEEDS = [OURS, fmp4Fixture("clip320-ffmpeg-frag.mp4"), fmp4Fixture("bframes-ffmpeg-frag.mp4")];

describe("fuzzing the fMP4 readers", () => {
  it("reads 3000 random byte strings with only MediaError thrown", () => {
    for (let i = 0; i < 3000; i++) {
      const b = new Uint8Array(int(300));
      for (let j = 0; j < b.length; j++) b[j] = rand() < 0.4 ? 0 : int(256); // zeros make small sizes likely
      readAll(b);
    }
  });

  it("reads every truncation of an init segment and fragments with only MediaError thrown", () => {
    for (let n = 0; n <= OURS.length; n += 1 + int(7)) readAll(OURS.subarray(0, n));
  });

  it("reads 2000 mutations of camserver's and FFmpeg's files with only MediaError thrown", () => {
    for (let i = 0; i < 2000; i++) readAll(mutate(SEEDS[i % SEEDS.length]!));
  });

  it("still reads the unmutated files whole", () => {
    for (const s of SEEDS) expect(readFragments(s).length).toBeGreaterThan(0);
  });
});

describe("fuzzing the fMP4 writers", () => {
  const odd = () => [Number.NaN, -1, 0.5, 2 ** 32, 2 ** 53, Infinity, -(2 ** 31) - 1, 0, 1][int(9)]!;

  it("writes 2000 fragments from random options with only MediaError thrown", () => {
    for (let i = 0; i < 2000; i++) {
      const samples = Array.from({ length: int(4) }, () => ({
        data: new Uint8Array(int(10)),
        duration: rand() < 0.5 ? odd() : int(100),
        isSync: rand() < 0.5,
        ...(rand() < 0.5 ? { compositionOffset: odd() } : {}),
      }));
      onlyMediaErrors(() =>
        mediaFragment({
          sequenceNumber: rand() < 0.5 ? odd() : 1,
          baseDecodeTime: rand() < 0.5 ? odd() : 0,
          samples,
          trackId: rand() < 0.7 ? undefined : odd(),
        }),
      );
    }
  });

  it("builds init segments from 1000 mutated parameter sets and sizes with only MediaError thrown", () => {
    for (let i = 0; i < 1000; i++) {
      const o = { sps: mutate(hex(CLIP_SPS)), pps: mutate(hex(CLIP_PPS)) };
      onlyMediaErrors(() => initSegment(rand() < 0.5 ? o : { ...o, width: odd(), height: 240, timescale: rand() < 0.5 ? odd() : undefined }));
    }
  });
});
