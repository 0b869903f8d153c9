/** The shared poll timer of shm sources: one timer per period, stopped with its last subscriber. */
import { describe, expect, it } from "bun:test";
import { activeTickers, onTick } from "../../../../src/pipeline/source/poll-ticker.ts";

describe("poll ticker", () => {
  it("runs every subscriber of a period on one timer and stops it with the last one", async () => {
    const before = activeTickers();
    const seen: string[] = [];
    const offA = onTick(5, () => seen.push("a"));
    const offB = onTick(5, () => seen.push("b"));
    expect(activeTickers()).toBe(before + 1);
    await Bun.sleep(30);
    expect(seen.filter((x) => x === "a").length).toBeGreaterThanOrEqual(2);
    expect(seen.slice(0, 2)).toEqual(["a", "b"]);
    offA();
    offA(); // idempotent
    expect(activeTickers()).toBe(before + 1);
    offB();
    expect(activeTickers()).toBe(before);
    const n = seen.length;
    await Bun.sleep(20);
    expect(seen.length).toBe(n);
  });

  it("keeps calling the others when one subscriber throws", async () => {
    let calls = 0;
    const offBad = onTick(3, () => {
      throw new Error("boom");
    });
    const offGood = onTick(3, () => calls++);
    await Bun.sleep(20);
    offBad();
    offGood();
    expect(calls).toBeGreaterThanOrEqual(2);
  });

  it("refuses a period that is not a number > 0", () => {
    expect(() => onTick(0, () => {})).toThrow(TypeError);
    expect(() => onTick(Number.NaN, () => {})).toThrow(TypeError);
  });
});
