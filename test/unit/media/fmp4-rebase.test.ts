/**
 * Re-basing stored fragments: sequence numbers and decode times rewritten in place, sizes
 * unchanged, samples untouched, version-0 tfdt bounds, and random bytes that only ever
 * give MediaErrors. Fragments come from camserver's own writer (round trip through its reader).
 */
import { describe, expect, it } from "bun:test";
import { InvalidFieldError } from "../../../src/media/errors.ts";
import { mediaFragment, readFragments } from "../../../src/media/fmp4/index.ts";
import { firstDecodeTime, rebaseFragments } from "../../../src/media/fmp4/rebase-fragment.ts";
import { onlyMediaErrors, prng } from "./fixtures.ts";

const sample = (n: number, isSync = false) => ({ data: new Uint8Array([0, 0, 0, 1, 0x41, n]), duration: 3000, isSync });

function twoFragments(): Uint8Array {
  const a = mediaFragment({ sequenceNumber: 7, baseDecodeTime: 2 ** 33 + 5, samples: [sample(1, true), sample(2)] });
  const b = mediaFragment({ sequenceNumber: 8, baseDecodeTime: 2 ** 33 + 6005, samples: [sample(3, true)], styp: true });
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

describe("rebaseFragments", () => {
  it("renumbers every fragment and shifts its decode time, leaving sizes and samples alone", () => {
    const bytes = twoFragments();
    const before = readFragments(bytes);
    expect(firstDecodeTime(bytes)).toBe(2 ** 33 + 5);
    const r = rebaseFragments(bytes, 1, -(2 ** 33 + 5) + 90_000);
    expect(r).toEqual({ fragments: 2, nextSequence: 3 });
    const after = readFragments(bytes);
    expect(after.map((f) => [f.sequenceNumber, f.tracks[0]!.baseDecodeTime])).toEqual([
      [1, 90_000],
      [2, 96_000],
    ]);
    expect(after.map((f) => f.tracks[0]!.samples.map((s) => [s.duration, s.isSync, [...s.data]]))).toEqual(
      before.map((f) => f.tracks[0]!.samples.map((s) => [s.duration, s.isSync, [...s.data]])),
    );
    expect(bytes.length).toBe(twoFragments().length);
  });

  it("refuses a decode time below zero", () => {
    expect(() => rebaseFragments(twoFragments(), 1, -(2 ** 34))).toThrow(InvalidFieldError);
  });

  it("keeps a version-0 tfdt within 32 bits", () => {
    const bytes = mediaFragment({ sequenceNumber: 1, baseDecodeTime: 10, samples: [sample(1, true)] });
    // Rewrite the tfdt as version 0 by hand: its box keeps its size, the 32-bit value sits in the high word.
    const i = Buffer.from(bytes).indexOf("tfdt");
    bytes[i + 4] = 0;
    expect(firstDecodeTime(bytes)).toBe(0);
    rebaseFragments(bytes, 1, 100);
    expect(firstDecodeTime(bytes)).toBe(100);
    expect(() => rebaseFragments(bytes, 1, 2 ** 32)).toThrow(InvalidFieldError);
  });

  it("throws only MediaErrors on random and truncated input", () => {
    const rand = prng(20_250_310);
    const good = twoFragments();
    for (let i = 0; i < 2000; i++) {
      const b = good.slice(0, Math.floor(rand() * good.length));
      if (rand() < 0.5) for (let k = 0; k < 4; k++) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
      onlyMediaErrors(() => rebaseFragments(b, Math.floor(rand() * 10), Math.floor(rand() * 1e6)));
      onlyMediaErrors(() => firstDecodeTime(b));
    }
  });
});
