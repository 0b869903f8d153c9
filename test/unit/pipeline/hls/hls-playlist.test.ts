/**
 * The LL-HLS playlist as text: case tables of whole rendered playlists (window, parts of the
 * last segments, preload hint, discontinuities and init segments), and its edge.
 */
import { describe, expect, it } from "bun:test";
import { HlsPlaylist } from "../../../../src/pipeline/hls/hls-playlist.ts";

const T0 = Date.UTC(2025, 0, 2, 3, 4, 5);
const partName = (msn: number, i: number) => `r_${msn}.${i}.m4s`;

/** A playlist fed `segments` complete segments of `parts` 200 ms parts, then `openParts` parts of one more. */
function feed(p: HlsPlaylist, o: { from?: number; segments: number; parts?: number; openParts?: number; map?: string; discontinuityAt?: number[] }): void {
  const perSegment = o.parts ?? 5;
  const from = o.from ?? 0;
  for (let msn = from; msn <= from + o.segments; msn++) {
    const last = msn === from + o.segments;
    if (last && o.openParts === undefined) break;
    p.startSegment({ msn, map: o.map ?? "r_init0.mp4", discontinuity: o.discontinuityAt?.includes(msn) ?? false, programDateMs: T0 + msn * 1000 });
    const n = last ? o.openParts! : perSegment;
    for (let i = 0; i < n; i++) p.addPart({ name: partName(msn, i), durationSec: 0.2, independent: i === 0 });
    if (!last) p.endSegment(`r_${msn}.m4s`, perSegment * 0.2);
  }
}

const HEAD = (mediaSequence: number, extra: string[] = []) => [
  "#EXTM3U",
  "#EXT-X-VERSION:6",
  "#EXT-X-TARGETDURATION:1",
  "#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=0.60000,HOLD-BACK=3.00000",
  "#EXT-X-PART-INF:PART-TARGET=0.20000",
  `#EXT-X-MEDIA-SEQUENCE:${mediaSequence}`,
  ...extra,
  "#EXT-X-INDEPENDENT-SEGMENTS",
];
const pdt = (msn: number) => `#EXT-X-PROGRAM-DATE-TIME:${new Date(T0 + msn * 1000).toISOString()}`;
const partLines = (msn: number, n = 5) =>
  Array.from({ length: n }, (_, i) => `#EXT-X-PART:DURATION=0.20000,URI="r_${msn}.${i}.m4s"${i === 0 ? ",INDEPENDENT=YES" : ""}`);
const segment = (msn: number, withParts: boolean) => [pdt(msn), ...(withParts ? partLines(msn) : []), "#EXTINF:1.00000,", `r_${msn}.m4s`];

describe("HlsPlaylist renders", () => {
  const cases: { name: string; build: (p: HlsPlaylist) => void; lines: string[] }[] = [
    {
      name: "one complete segment with its parts and the hint for the next segment's first part",
      build: (p) => feed(p, { segments: 1 }),
      lines: [...HEAD(0), '#EXT-X-MAP:URI="r_init0.mp4"', ...segment(0, true), '#EXT-X-PRELOAD-HINT:TYPE=PART,URI="r_1.0.m4s"'],
    },
    {
      name: "the parts of the segment in progress after the complete ones, and the hint for its next part",
      build: (p) => feed(p, { segments: 2, openParts: 2 }),
      lines: [
        ...HEAD(0),
        '#EXT-X-MAP:URI="r_init0.mp4"',
        ...segment(0, true),
        ...segment(1, true),
        pdt(2),
        ...partLines(2, 2),
        '#EXT-X-PRELOAD-HINT:TYPE=PART,URI="r_2.2.m4s"',
      ],
    },
    {
      name: "a window of six segments, parts only for the ones within three target durations of the end",
      build: (p) => feed(p, { segments: 9, openParts: 1 }),
      lines: [
        ...HEAD(3),
        '#EXT-X-MAP:URI="r_init0.mp4"',
        ...segment(3, false),
        ...segment(4, false),
        ...segment(5, false),
        ...segment(6, true),
        ...segment(7, true),
        ...segment(8, true),
        pdt(9),
        ...partLines(9, 1),
        '#EXT-X-PRELOAD-HINT:TYPE=PART,URI="r_9.1.m4s"',
      ],
    },
    {
      name: "a discontinuity with a new init segment before the segment after a reconnect",
      build: (p) => {
        feed(p, { segments: 2 });
        feed(p, { from: 2, segments: 1, map: "r_init1.mp4", discontinuityAt: [2] });
      },
      lines: [
        ...HEAD(0),
        '#EXT-X-MAP:URI="r_init0.mp4"',
        ...segment(0, true),
        ...segment(1, true),
        "#EXT-X-DISCONTINUITY",
        '#EXT-X-MAP:URI="r_init1.mp4"',
        ...segment(2, true),
        '#EXT-X-PRELOAD-HINT:TYPE=PART,URI="r_3.0.m4s"',
      ],
    },
    {
      name: "the discontinuity and init segment before the parts of a segment in progress",
      build: (p) => {
        feed(p, { segments: 1 });
        feed(p, { from: 1, segments: 0, openParts: 1, map: "r_init1.mp4", discontinuityAt: [1] });
      },
      lines: [
        ...HEAD(0),
        '#EXT-X-MAP:URI="r_init0.mp4"',
        ...segment(0, true),
        "#EXT-X-DISCONTINUITY",
        '#EXT-X-MAP:URI="r_init1.mp4"',
        pdt(1),
        ...partLines(1, 1),
        '#EXT-X-PRELOAD-HINT:TYPE=PART,URI="r_1.1.m4s"',
      ],
    },
    {
      name: "a discontinuity that slid out counted in EXT-X-DISCONTINUITY-SEQUENCE, its init segment first",
      build: (p) => {
        feed(p, { segments: 2 });
        feed(p, { from: 2, segments: 6, map: "r_init1.mp4", discontinuityAt: [2] });
      },
      lines: [
        ...HEAD(2, ["#EXT-X-DISCONTINUITY-SEQUENCE:1"]),
        '#EXT-X-MAP:URI="r_init1.mp4"',
        ...segment(2, false),
        ...segment(3, false),
        ...segment(4, false),
        ...segment(5, true),
        ...segment(6, true),
        ...segment(7, true),
        '#EXT-X-PRELOAD-HINT:TYPE=PART,URI="r_8.0.m4s"',
      ],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const p = new HlsPlaylist({ run: "r", partName });
      p.setPartTarget(0.2);
      c.build(p);
      expect(p.render()).toBe(`${c.lines.join("\n")}\n`);
    });
  }
});

describe("HlsPlaylist durations", () => {
  const targets = [
    { durations: [1, 1, 1], target: 1 },
    { durations: [1, 1.033, 1.4], target: 1 },
    { durations: [1, 1.5, 1], target: 2 },
    { durations: [1, 1.967, 1], target: 2 },
    { durations: [4, 1, 1], target: 4 },
    { durations: [0.5, 0.4], target: 1 },
  ];
  for (const c of targets) {
    it(`sets the target duration to ${c.target} for segments of ${c.durations.join(", ")} s (the longest, rounded to the nearest integer, never lowered), hold-back three times it`, () => {
      const p = new HlsPlaylist({ run: "r", partName, windowSize: 1 });
      p.setPartTarget(0.2);
      c.durations.forEach((d, msn) => {
        p.startSegment({ msn, map: "r_init0.mp4", discontinuity: false, programDateMs: T0 });
        p.addPart({ name: partName(msn, 0), durationSec: 0.2, independent: true });
        p.endSegment(`r_${msn}.m4s`, d);
      });
      expect(p.render()).toContain(
        `#EXT-X-TARGETDURATION:${c.target}\n#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=0.60000,HOLD-BACK=${(3 * c.target).toFixed(5)}\n`,
      );
    });
  }

  it("keeps PART-TARGET at least the longest part, rounded up, and PART-HOLD-BACK three times it", () => {
    const p = new HlsPlaylist({ run: "r", partName });
    p.setPartTarget(0.2);
    p.startSegment({ msn: 0, map: "r_init0.mp4", discontinuity: false, programDateMs: T0 });
    p.addPart({ name: partName(0, 0), durationSec: 18018 / 90000, independent: true });
    p.addPart({ name: partName(0, 1), durationSec: 2 / 12, independent: false });
    p.endSegment("r_0.m4s", 18018 / 90000 + 2 / 12);
    const text = p.render();
    expect(text).toContain("#EXT-X-PART-INF:PART-TARGET=0.20020\n");
    expect(text).toContain("PART-HOLD-BACK=0.60060,");
    expect(text).toContain('#EXT-X-PART:DURATION=0.16667,URI="r_0.1.m4s"\n');
  });

  it("keeps more than six segments while six would last less than three target durations", () => {
    const p = new HlsPlaylist({ run: "r", partName });
    const durations = [4, 1, 1, 1, 1, 1, 1, 1, 1];
    durations.forEach((d, msn) => {
      p.startSegment({ msn, map: "r_init0.mp4", discontinuity: false, programDateMs: T0 });
      p.addPart({ name: partName(msn, 0), durationSec: d, independent: true });
      p.endSegment(`r_${msn}.m4s`, d);
    });
    // Target 4: the window must last 12 s, so 1 s segments stay until 12 of them are listed.
    expect(p.length).toBe(9);
    expect(p.edge().firstMsn).toBe(0);
  });
});

describe("HlsPlaylist edge", () => {
  it("names the segment in progress, its complete parts and the last segment's parts", () => {
    const p = new HlsPlaylist({ run: "r", partName });
    p.setPartTarget(0.2);
    feed(p, { segments: 8, openParts: 3 });
    expect(p.edge()).toEqual({ run: "r", firstMsn: 2, msn: 8, parts: 3, lastParts: 5, targetSec: 1, partTargetSec: 0.2 });
  });

  it("points at the next segment between a segment's end and the next start", () => {
    const p = new HlsPlaylist({ run: "r", partName });
    p.setPartTarget(0.2);
    feed(p, { segments: 2 });
    expect(p.edge()).toMatchObject({ msn: 2, parts: 0, lastParts: 5 });
    expect(p.render()).toEndWith('#EXT-X-PRELOAD-HINT:TYPE=PART,URI="r_2.0.m4s"\n');
  });
});
