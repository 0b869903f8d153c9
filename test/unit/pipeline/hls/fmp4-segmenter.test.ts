/**
 * The LL-HLS segmenter on access units of a real encode (clip-stream.ts): where segments and
 * parts are cut, their durations, INDEPENDENT parts, init segments, discontinuities, and the
 * fMP4 bytes read back with the fMP4 reader.
 */
import { describe, expect, it } from "bun:test";
import type { AccessUnit } from "../../../../src/media/access-unit.ts";
import { readFragments, readInitSegment } from "../../../../src/media/fmp4/index.ts";
import { Fmp4Segmenter, type Fmp4SegmenterOptions, type PartEvent, type SegmenterEvent } from "../../../../src/pipeline/hls/fmp4-segmenter.ts";
import { clipAccessUnits, idrWithOtherSps, liveStream } from "./clip-stream.ts";

function run(aus: readonly AccessUnit[], opts: Fmp4SegmenterOptions = {}, seg = new Fmp4Segmenter(opts)): SegmenterEvent[] {
  return aus.flatMap((au, i) => seg.push(au, 1_700_000_000_000 + i));
}
const parts = (events: SegmenterEvent[]) => events.filter((e): e is PartEvent => e.kind === "part");
const ends = (events: SegmenterEvent[]) => events.filter((e) => e.kind === "segment-end");
const starts = (events: SegmenterEvent[]) => events.filter((e) => e.kind === "segment-start");

/** Part durations of segment `msn` in ms, with `*` after the independent ones. */
function partShape(events: SegmenterEvent[], msn: number): string[] {
  return parts(events)
    .filter((p) => p.msn === msn)
    .map((p) => `${Math.round(p.duration / 90)}${p.independent ? "*" : ""}`);
}

describe("Fmp4Segmenter cuts", () => {
  const cases = [
    {
      name: "a 1 s GOP at 30 fps into 1 s segments of five 200 ms parts",
      shape: { gop: 30, fps: 30, frames: 91 },
      segments: 3,
      segmentMs: 1000,
      parts: ["200*", "200", "200", "200", "200"],
    },
    {
      name: "a 1 s GOP at 25 fps into five parts of five frames",
      shape: { gop: 25, fps: 25, frames: 76 },
      segments: 3,
      segmentMs: 1000,
      parts: ["200*", "200", "200", "200", "200"],
    },
    {
      name: "a 4 s GOP into one segment per GOP, still with 200 ms parts",
      shape: { gop: 120, fps: 30, frames: 241 },
      segments: 2,
      segmentMs: 4000,
      parts: ["200*", ...Array(19).fill("200")],
    },
    {
      name: "two 0.5 s GOPs into one 1 s segment, a part starting at each IDR",
      shape: { gop: 15, fps: 30, frames: 91 },
      segments: 3,
      segmentMs: 1000,
      parts: ["200*", "200", "100", "200*", "200", "100"],
    },
    {
      name: "12 fps into parts of two frames (the target fitted to whole frames)",
      shape: { gop: 12, fps: 12, frames: 37 },
      segments: 3,
      segmentMs: 1000,
      parts: ["167*", "167", "167", "167", "167", "167"],
    },
    {
      name: "the clip's own 5-frame GOPs into one-GOP parts of a 1 s segment",
      shape: { gop: 5, fps: 30, frames: 61 },
      segments: 2,
      segmentMs: 1000,
      parts: ["167*", "167*", "167*", "167*", "167*", "167*"],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const events = run(liveStream(c.shape));
      const done = ends(events);
      expect(done).toHaveLength(c.segments);
      for (const s of done) expect(Math.round(s.duration / 90)).toBe(c.segmentMs);
      expect(partShape(events, 0)).toEqual(c.parts);
      expect(partShape(events, 1)).toEqual(c.parts);
    });
  }

  it("cuts every keyframe when the minimum segment duration is 0", () => {
    const events = run(liveStream({ gop: 15, fps: 30, frames: 46 }), { minSegmentMs: 0 });
    expect(ends(events).map((s) => s.duration)).toEqual([45000, 45000, 45000]);
  });

  it("numbers segments from 0 and parts from 0 within each segment, fragments from 1 across them", () => {
    const events = run(liveStream({ gop: 30, fps: 30, frames: 91 }));
    expect(starts(events).map((s) => s.kind === "segment-start" && s.msn)).toEqual([0, 1, 2, 3]);
    expect(parts(events).map((p) => `${p.msn}.${p.index}`)).toEqual([
      "0.0",
      "0.1",
      "0.2",
      "0.3",
      "0.4",
      "1.0",
      "1.1",
      "1.2",
      "1.3",
      "1.4",
      "2.0",
      "2.1",
      "2.2",
      "2.3",
      "2.4",
    ]);
    const seqs = parts(events).map((p) => readFragments(p.bytes)[0]!.sequenceNumber);
    expect(seqs).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
  });

  it("reports a part as soon as the access unit after it arrives", () => {
    const seg = new Fmp4Segmenter();
    const aus = liveStream({ gop: 30, fps: 30, frames: 7 });
    const got = aus.map((au) => parts(seg.push(au, 0)).length);
    // The 6th picture's duration is known when the 7th arrives: the first part ends there.
    expect(got).toEqual([0, 0, 0, 0, 0, 0, 1]);
  });
});

describe("Fmp4Segmenter media", () => {
  it("makes one init segment from the IDR's SPS and PPS, with the picture size of the SPS", () => {
    const events = run(liveStream({ gop: 30, fps: 30, frames: 91 }));
    const inits = events.filter((e) => e.kind === "init");
    expect(inits).toHaveLength(1);
    const info = readInitSegment(inits[0]!.kind === "init" ? inits[0]!.bytes : new Uint8Array());
    expect(info).toMatchObject({ codec: "avc1", width: 320, height: 240, timescale: 90000 });
  });

  it("makes a segment of its parts, whose concatenation has continuous decode times", () => {
    const aus = liveStream({ gop: 30, fps: 30, frames: 61, startDts: 123_456 });
    const events = run(aus);
    const seg = ends(events)[0]!;
    const ps = parts(events).filter((p) => p.msn === 0);
    expect(seg.kind === "segment-end" && seg.parts).toBe(ps.length);
    const frags = readFragments(new Uint8Array(Buffer.concat(ps.map((p) => p.bytes))));
    let dts = 123_456;
    for (const f of frags) {
      const t = f.tracks[0]!;
      expect(t.baseDecodeTime).toBe(dts);
      for (const s of t.samples) dts += s.duration;
    }
    expect(dts).toBe(123_456 + 90000);
    const samples = frags.flatMap((f) => f.tracks[0]!.samples);
    expect(samples).toHaveLength(30);
    expect(samples.map((s) => s.isSync)).toEqual([true, ...Array(29).fill(false)]);
  });

  it("skips pictures before the first keyframe", () => {
    const seg = new Fmp4Segmenter();
    const events = run(liveStream({ gop: 30, fps: 30, frames: 40, leadingP: 7 }), {}, seg);
    expect(seg.skipped).toBe(7);
    expect(starts(events)[0]).toMatchObject({ msn: 0, dts: 7 * 3000, discontinuity: false });
  });

  it("stamps each segment with the wall clock of its first access unit", () => {
    const events = run(liveStream({ gop: 30, fps: 30, frames: 61 }));
    expect(starts(events).map((s) => s.kind === "segment-start" && s.programDateMs - 1_700_000_000_000)).toEqual([0, 30, 60]);
  });
});

describe("Fmp4Segmenter discontinuities", () => {
  it("ends the segment on a source restart and starts the next after a discontinuity with a new init segment", () => {
    const seg = new Fmp4Segmenter();
    const before = run(liveStream({ gop: 30, fps: 30, frames: 45 }), {}, seg);
    const atRestart = seg.restart();
    expect(atRestart.map((e) => e.kind)).toEqual(["part", "segment-end"]);
    // The segment's last picture gets one frame's duration: 15 pictures in 0.5 s.
    expect(ends(atRestart)[0]).toMatchObject({ msn: 1, duration: 45000 });
    const after = run(liveStream({ gop: 30, fps: 30, frames: 31, startDts: 45 * 3000, leadingP: 2 }), {}, seg);
    expect(seg.skipped).toBe(2);
    expect(after.filter((e) => e.kind === "init").map((e) => e.kind === "init" && e.index)).toEqual([1]);
    expect(starts(after)[0]).toMatchObject({ msn: 2, initIndex: 1, discontinuity: true });
    expect(starts(before).every((s) => s.kind === "segment-start" && !s.discontinuity)).toBe(true);
  });

  it("cuts at a keyframe with new parameter sets, however short the segment, with a new init and a discontinuity", () => {
    const seg = new Fmp4Segmenter();
    run(liveStream({ gop: 10, fps: 30, frames: 15 }), {}, seg);
    const events = seg.push(idrWithOtherSps(15 * 3000), 0);
    expect(events.map((e) => e.kind)).toEqual(["part", "segment-end", "init", "segment-start"]);
    const init = events.find((e) => e.kind === "init");
    expect(init && init.kind === "init" && init.index).toBe(1);
    expect(ends(events)[0]).toMatchObject({ msn: 0, duration: 45000 });
    expect(starts(events)[0]).toMatchObject({ msn: 1, initIndex: 1, discontinuity: true });
  });

  it("keeps one init segment when the parameter sets come back unchanged at every IDR", () => {
    const events = run(liveStream({ gop: 10, fps: 30, frames: 200 }));
    expect(events.filter((e) => e.kind === "init")).toHaveLength(1);
    expect(starts(events).some((s) => s.kind === "segment-start" && s.discontinuity)).toBe(false);
  });

  it("ends the segment when decode time steps back and starts over at the keyframe after a discontinuity", () => {
    const seg = new Fmp4Segmenter();
    run(liveStream({ gop: 30, fps: 30, frames: 45 }), {}, seg);
    const back = seg.push({ ...clipAccessUnits()[0]!, dts: 1000, pts: 1000 }, 0);
    expect(back.map((e) => e.kind)).toEqual(["part", "segment-end", "segment-start"]);
    expect(starts(back)[0]).toMatchObject({ msn: 2, dts: 1000, discontinuity: true, initIndex: 0 });
  });
});

describe("Fmp4Segmenter bounds", () => {
  it("ends a segment without keyframes at the maximum duration and starts the next at a keyframe, after a discontinuity", () => {
    const seg = new Fmp4Segmenter({ maxSegmentMs: 2000 });
    const aus = liveStream({ gop: 100, fps: 30, frames: 101 });
    const events = run(aus, {}, seg);
    // The access unit that reached the bound ends the segment with it: 61 pictures.
    expect(ends(events).map((e) => e.kind === "segment-end" && e.duration)).toEqual([61 * 3000]);
    expect(seg.skipped).toBe(100 - 61);
    expect(starts(events).map((s) => s.kind === "segment-start" && [s.msn, s.dts, s.discontinuity])).toEqual([
      [0, 0, false],
      [1, 100 * 3000, true],
    ]);
  });

  it("numbers segments from firstMsn, the first after a discontinuity, when it continues another output's playlist", () => {
    const events = run(liveStream({ gop: 30, fps: 30, frames: 61 }), { firstMsn: 17 });
    expect(starts(events).map((s) => s.kind === "segment-start" && [s.msn, s.discontinuity, s.initIndex])).toEqual([
      [17, true, 0],
      [18, false, 0],
      [19, false, 0],
    ]);
  });

  it("refuses options out of range", () => {
    expect(() => new Fmp4Segmenter({ firstMsn: -1 })).toThrow(RangeError);
    expect(() => new Fmp4Segmenter({ partTargetMs: 5 })).toThrow(RangeError);
    expect(() => new Fmp4Segmenter({ minSegmentMs: -1 })).toThrow(RangeError);
    expect(() => new Fmp4Segmenter({ minSegmentMs: 5000, maxSegmentMs: 4000 })).toThrow(RangeError);
  });
});

describe("Fmp4Segmenter with random input", () => {
  it("never throws and keeps numbering and durations consistent", () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const clip = clipAccessUnits();
    for (let round = 0; round < 50; round++) {
      const seg = new Fmp4Segmenter({ partTargetMs: 50 + Math.floor(rnd() * 500), minSegmentMs: Math.floor(rnd() * 3000) });
      let dts = Math.floor(rnd() * 1e9);
      const events: SegmenterEvent[] = [];
      for (let i = 0; i < 300; i++) {
        dts += rnd() < 0.03 ? -Math.floor(rnd() * 9000) : Math.floor(rnd() * 9000);
        const au = clip[Math.floor(rnd() * clip.length)]!;
        events.push(...seg.push({ ...au, dts, pts: dts }, i));
        if (rnd() < 0.01) events.push(...seg.restart());
      }
      events.push(...seg.finish());
      let msn = -1;
      let part = 0;
      let sum = 0;
      for (const e of events) {
        if (e.kind === "segment-start") {
          expect(e.msn).toBe(msn + 1);
          msn = e.msn;
          part = 0;
          sum = 0;
        } else if (e.kind === "part") {
          expect(e.msn).toBe(msn);
          expect(e.index).toBe(part++);
          sum += e.duration;
        } else if (e.kind === "segment-end") {
          expect(e.msn).toBe(msn);
          expect(e.parts).toBe(part);
          expect(e.duration).toBe(sum);
        }
      }
    }
  });
});
