/**
 * Geometry of the recordings timeline, pure: where recorded spans and events sit in a time
 * window (fractions 0-1 of its width), which instant a point of it means, and tick marks at
 * round local times. No DOM here, so it is tested directly.
 */

/** A time window, epoch ms, `from` < `to`. */
export interface TimeWindow {
  readonly from: number;
  readonly to: number;
}

/** A recorded span; `end` null while recording (drawn up to `now`). */
export interface Span {
  readonly id: string;
  readonly start: number;
  readonly end: number | null;
}

/** A span placed in the window: `left` and `width` are fractions of the window. */
export interface PlacedSpan {
  readonly id: string;
  readonly left: number;
  readonly width: number;
  /** Clipped instants of the visible part. */
  readonly start: number;
  readonly end: number;
}

/** Where `t` falls in the window, a fraction clamped to 0-1. */
export function fractionOf(w: TimeWindow, t: number): number {
  return Math.min(1, Math.max(0, (t - w.from) / (w.to - w.from)));
}

/** The instant at fraction `f` (clamped to 0-1) of the window, whole ms. */
export function instantAt(w: TimeWindow, f: number): number {
  return Math.round(w.from + Math.min(1, Math.max(0, f)) * (w.to - w.from));
}

/** Spans that overlap the window, clipped to it, in start order. */
export function placeSpans(w: TimeWindow, spans: readonly Span[], now: number): PlacedSpan[] {
  return spans
    .map((s) => ({ id: s.id, start: Math.max(s.start, w.from), end: Math.min(s.end ?? now, w.to) }))
    .filter((s) => s.end > s.start)
    .sort((a, b) => a.start - b.start)
    .map((s) => ({ ...s, left: fractionOf(w, s.start), width: fractionOf(w, s.end) - fractionOf(w, s.start) }));
}

/** The span that holds instant `t`, if any. */
export function spanAt(spans: readonly Span[], t: number, now: number): Span | undefined {
  return spans.find((s) => s.start <= t && t < (s.end ?? now));
}

/** The first span starting after `t`, if any (a click in a gap plays from the next recording). */
export function nextSpan(spans: readonly Span[], t: number): Span | undefined {
  return [...spans].sort((a, b) => a.start - b.start).find((s) => s.start > t);
}

const STEPS_MS = [
  60_000,
  2 * 60_000,
  5 * 60_000,
  10 * 60_000,
  15 * 60_000,
  30 * 60_000,
  3_600_000,
  2 * 3_600_000,
  3 * 3_600_000,
  6 * 3_600_000,
  12 * 3_600_000,
  86_400_000,
];

/**
 * Tick instants at round local times: the finest step that gives at most 1.5 x `target`.
 * @param tzOffsetMin minutes to add to UTC for local time (`-new Date().getTimezoneOffset()`)
 */
export function ticks(w: TimeWindow, target: number, tzOffsetMin = 0): number[] {
  const span = w.to - w.from;
  const step = STEPS_MS.find((s) => span / s <= target * 1.5) ?? STEPS_MS.at(-1)!;
  const off = tzOffsetMin * 60_000;
  const out: number[] = [];
  for (let t = Math.ceil((w.from + off) / step) * step - off; t <= w.to; t += step) out.push(t);
  return out;
}

/** How far the arrow keys move the cursor: 1/60 of the window, 10x with Shift. */
export function keyStep(w: TimeWindow, big: boolean): number {
  return ((w.to - w.from) / 60) * (big ? 10 : 1);
}

/** Events close together on the timeline, drawn as one marker at the first of them. */
export interface EventCluster<E> {
  /** Fraction of the window where the first event sits. */
  readonly left: number;
  /** The events, in time order. */
  readonly events: readonly E[];
}

/**
 * Groups events whose places lie within `gap` (a fraction of the window) of their group's
 * first event, so markers never cover each other; events outside the window are dropped.
 */
export function clusterEvents<E extends { readonly at: number }>(w: TimeWindow, events: readonly E[], gap: number): EventCluster<E>[] {
  const out: { left: number; events: E[] }[] = [];
  for (const e of [...events].filter((x) => x.at >= w.from && x.at <= w.to).sort((a, b) => a.at - b.at)) {
    const f = fractionOf(w, e.at);
    const last = out.at(-1);
    if (last && f - last.left < gap) last.events.push(e);
    else out.push({ left: f, events: [e] });
  }
  return out;
}
