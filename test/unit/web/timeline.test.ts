import { describe, expect, it } from "bun:test";
import { clusterEvents, fractionOf, instantAt, keyStep, nextSpan, placeSpans, spanAt, ticks } from "../../../src/api/web/timeline.ts";

const H = 3_600_000;
const T0 = Date.parse("2024-05-01T12:00:00Z");
const w = { from: T0, to: T0 + H };

describe("timeline geometry", () => {
  it("maps instants to fractions of the window and back, clamped", () => {
    expect(fractionOf(w, T0 + H / 4)).toBe(0.25);
    expect(fractionOf(w, T0 - 1)).toBe(0);
    expect(fractionOf(w, T0 + 2 * H)).toBe(1);
    expect(instantAt(w, 0.5)).toBe(T0 + H / 2);
    expect(instantAt(w, 1.7)).toBe(T0 + H);
  });

  it("clips spans to the window, draws a running span up to now, drops spans outside, sorts by start", () => {
    const now = T0 + H / 2;
    const placed = placeSpans(
      w,
      [
        { id: "b", start: T0 + H / 4, end: null },
        { id: "a", start: T0 - H, end: T0 + H / 10 },
        { id: "gone", start: T0 - 2 * H, end: T0 - H },
      ],
      now,
    );
    expect(placed.map((s) => s.id)).toEqual(["a", "b"]);
    expect(placed[0]).toMatchObject({ left: 0, start: T0 });
    expect(placed[0]!.width).toBeCloseTo(0.1);
    expect(placed[1]).toMatchObject({ left: 0.25, width: 0.25, end: now });
  });

  it("finds the span that holds an instant, and the next one after a gap", () => {
    const spans = [
      { id: "a", start: T0, end: T0 + 1000 },
      { id: "b", start: T0 + 5000, end: null },
    ];
    expect(spanAt(spans, T0 + 999, T0 + 9000)?.id).toBe("a");
    expect(spanAt(spans, T0 + 1000, T0 + 9000)).toBeUndefined();
    expect(spanAt(spans, T0 + 8000, T0 + 9000)?.id).toBe("b");
    expect(nextSpan(spans, T0 + 2000)?.id).toBe("b");
    expect(nextSpan(spans, T0 + 6000)).toBeUndefined();
  });

  it("puts ticks at round local times: every 10 min over an hour, every 3 h over a day", () => {
    expect(ticks(w, 6).map((t) => new Date(t).toISOString().slice(11, 16))).toEqual(["12:00", "12:10", "12:20", "12:30", "12:40", "12:50", "13:00"]);
    const day = ticks({ from: T0, to: T0 + 24 * H }, 6, 120);
    expect(day.every((t) => (t + 2 * H) % (3 * H) === 0)).toBe(true);
    expect(day.length).toBeGreaterThanOrEqual(6);
    expect(day.length).toBeLessThanOrEqual(12);
  });

  it("moves the keyboard cursor by 1/60 of the window, 10x with Shift", () => {
    expect(keyStep(w, false)).toBe(60_000);
    expect(keyStep(w, true)).toBe(600_000);
  });

  it("groups events that would cover each other into one marker at the first, dropping those outside", () => {
    const at = (m: number) => ({ at: T0 + m * 60_000 });
    const c = clusterEvents(w, [at(30.5), at(30), at(10), at(31), at(90)], 0.02);
    expect(c.map((x) => [x.left, x.events.map((e) => (e.at - T0) / 60_000)])).toEqual([
      [10 / 60, [10]],
      [0.5, [30, 30.5, 31]],
    ]);
  });
});

describe("timeline ticks over ten minutes", () => {
  it("ticks every 2 min", () => {
    expect(ticks({ from: T0, to: T0 + 600_000 }, 6).map((t) => new Date(t).toISOString().slice(11, 16))).toEqual([
      "12:00",
      "12:02",
      "12:04",
      "12:06",
      "12:08",
      "12:10",
    ]);
  });
});
