/**
 * Ring timestamps (CLOCK_MONOTONIC us) to 90 kHz decoding times that start at 0 and always
 * increase, whatever the writer's clock does.
 */
import { describe, expect, it } from "bun:test";
import { RingTimeline } from "../../../../src/media/shm/ring-timeline.ts";

function run(timestamps: number[], discontinuityAt = -1, lost: number[] = []): number[] {
  const t = new RingTimeline();
  return timestamps.map((us, i) => {
    if (i === discontinuityAt) t.discontinuity();
    return t.dts(us, !lost.includes(i));
  });
}

describe("ring timeline", () => {
  const cases: { why: string; us: number[]; dts: number[]; discontinuityAt?: number; lost?: number[] }[] = [
    { why: "30 fps from an uptime of 5 days", us: [432e9, 432e9 + 33_333, 432e9 + 66_667], dts: [0, 3000, 6000] },
    { why: "a gap of lost frames keeps its length", us: [0, 33_333, 366_667, 400_000], dts: [0, 3000, 33000, 36000], lost: [2] },
    { why: "a timestamp that goes back continues one frame later", us: [1e6, 1_040_000, 500_000, 540_000], dts: [0, 3600, 7200, 10800] },
    { why: "a timestamp that stands still continues one frame later", us: [0, 40_000, 40_000, 80_000], dts: [0, 3600, 7200, 10800] },
    { why: "a jump of more than a minute is a new time line", us: [0, 40_000, 100e6, 100e6 + 40_000], dts: [0, 3600, 7200, 10800] },
    { why: "a recreated ring continues after the last frame", us: [5e6, 5_040_000, 9e6, 9_040_000], dts: [0, 3600, 7200, 10800], discontinuityAt: 2 },
    { why: "the first step is 1/30 s until two frames were seen", us: [0, 0], dts: [0, 3000] },
    { why: "a step learned across a loss is not used", us: [0, 40_000, 1_040_000, 1_040_000], dts: [0, 3600, 93600, 97200], lost: [2] },
  ];
  for (const c of cases) {
    it(`makes decoding times for ${c.why}`, () => {
      expect(run(c.us, c.discontinuityAt, c.lost)).toEqual(c.dts);
    });
  }
});
