/**
 * Judging LL-HLS delivery directives against a playlist's edge (draft-pantos-hls-rfc8216bis
 * §6.2.5.2): which requests are answered at once, which wait, which are 400.
 */
import { describe, expect, it } from "bun:test";
import { decodeEdge, edgeHas, edgeTooFar, edgeWaitMs, encodeEdge, type HlsEdge } from "../../../src/state/hls-edge.ts";

/** Segments up to 9 complete (5 parts each), segment 10 in progress with 2 parts; 200 ms parts. */
const EDGE: HlsEdge = { run: "r", firstMsn: 4, msn: 10, parts: 2, lastParts: 5, targetSec: 1, partTargetSec: 0.2 };

describe("edgeHas", () => {
  const cases: [string, number, number | undefined, boolean][] = [
    ["a complete segment", 9, undefined, true],
    ["the segment in progress", 10, undefined, false],
    ["a segment older than the playlist", 1, undefined, true],
    ["a part of an older segment", 8, 4, true],
    ["a part index past an older segment's last (part 0 of the next one)", 8, 7, true],
    ["a part of the last complete segment", 9, 4, true],
    ["past the last complete segment's parts: part 0 of the segment in progress, which exists", 9, 5, true],
    ["a complete part of the segment in progress", 10, 1, true],
    ["the next part (the preload hint)", 10, 2, false],
    ["a part of the next segment", 11, 0, false],
  ];
  for (const [name, msn, part, has] of cases) {
    it(`${has ? "holds" : "does not hold yet"} ${name} (msn ${msn}, part ${part})`, () => expect(edgeHas(EDGE, msn, part)).toBe(has));
  }

  it("holds part 0 of the segment in progress only once it is complete", () => {
    const fresh = { ...EDGE, parts: 0 };
    expect(edgeHas(fresh, 9, 5)).toBe(false);
    expect(edgeHas(fresh, 10, 0)).toBe(false);
    expect(edgeHas({ ...fresh, parts: 1 }, 10, 0)).toBe(true);
  });
});

describe("edgeTooFar", () => {
  const cases: [string, number, number | undefined, boolean][] = [
    ["the next segment", 11, undefined, false],
    ["the last complete segment + 2", 11, undefined, false],
    ["the last complete segment + 3", 12, undefined, true],
    ["the next part", 10, 2, false],
    ["15 parts ahead (3 / 0.2 s, the Advance Part Limit)", 10, 16, false],
    ["16 parts ahead", 10, 17, true],
    ["part 0 of the next segment", 11, 0, false],
    ["part 11 of the next segment (3 + 12 = 15 ahead)", 11, 11, false],
    ["part 12 of the next segment", 11, 12, true],
    ["an old segment's part", 3, 40, false],
  ];
  for (const [name, msn, part, far] of cases) {
    it(`${far ? "refuses" : "accepts"} ${name} (msn ${msn}, part ${part})`, () => expect(edgeTooFar(EDGE, msn, part)).toBe(far));
  }

  it("limits parts to 3 ahead when the part target is a second or more", () => {
    const slow = { ...EDGE, partTargetSec: 1 };
    expect(edgeTooFar(slow, 10, 4)).toBe(false);
    expect(edgeTooFar(slow, 10, 5)).toBe(true);
  });
});

describe("edge encoding", () => {
  it("waits three target durations", () => {
    expect(edgeWaitMs(EDGE)).toBe(3000);
    expect(edgeWaitMs({ ...EDGE, targetSec: 4 })).toBe(12000);
  });

  it("round-trips, and rejects what is not an edge", () => {
    expect(decodeEdge(encodeEdge(EDGE))).toEqual(EDGE);
    for (const bad of [
      null,
      "",
      "ended",
      "{",
      "[]",
      "null",
      JSON.stringify({ ...EDGE, msn: -1 }),
      JSON.stringify({ ...EDGE, run: 3 }),
      JSON.stringify({ ...EDGE, targetSec: "1" }),
    ]) {
      expect(decodeEdge(bad)).toBeUndefined();
    }
  });
});
