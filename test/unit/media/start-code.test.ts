/** findStartCode (ITU-T H.264 Annex B §B.2): the first 0x000001 at or after `from` that ends by `end`. */
import { describe, expect, it } from "bun:test";
import { findStartCode } from "../../../src/media/start-code.ts";

const b = (...x: number[]) => Uint8Array.from(x);

describe("findStartCode", () => {
  const cases: [string, Uint8Array, number, number, number][] = [
    ["at the start", b(0, 0, 1, 0x65), 0, 4, 0],
    ["after a fourth zero (4-byte start code)", b(0, 0, 0, 1, 0x67), 0, 5, 1],
    ["in the middle", b(0x65, 0x88, 0, 0, 1, 0x41), 0, 6, 2],
    ["ending exactly at end", b(9, 0, 0, 1), 0, 4, 1],
    ["straddling end: not found", b(9, 0, 0, 1), 0, 3, -1],
    ["before from: not found", b(0, 0, 1, 9, 9), 1, 5, -1],
    ["the second one, from past the first", b(0, 0, 1, 9, 0, 0, 1), 1, 7, 4],
    ["none: emulation prevention's 0x000003", b(0, 0, 3, 1, 0, 0, 2), 0, 7, -1],
    ["empty", b(), 0, 0, -1],
    ["end past the array is clamped", b(7, 0, 0, 1), 0, 99, 1],
  ];
  for (const [what, bytes, from, end, expected] of cases) {
    it(`finds ${expected} for a code ${what}`, () => expect(findStartCode(bytes, from, end)).toBe(expected));
  }

  it("searches a view of a larger buffer from the view's own offset", () => {
    const whole = b(0, 0, 1, 7, 7, 7, 0, 0, 1, 7);
    expect(findStartCode(whole.subarray(3), 0, 7)).toBe(3);
  });
});
