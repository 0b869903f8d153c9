/**
 * Summaries of a bench's samples and the rows of its text tables. Pure functions: every result
 * is in the unit of the samples given (ms or s, as the caller measured them).
 */

/** Linear-interpolated percentile (numpy's default) of `xs`, `p` in 0..100; NaN for no samples. */
export function pct(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const k = ((s.length - 1) * p) / 100;
  const lo = Math.floor(k);
  const hi = Math.ceil(k);
  return s[lo]! + (s[hi]! - s[lo]!) * (k - lo);
}

/** Nearest-rank percentile of `xs` (a sample itself, never interpolated), `p` in 0..100; NaN for no samples. */
export function pctNearestRank(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

/** `x` rounded to 1 decimal. */
export const r1 = (x: number) => Number(x.toFixed(1));
/** `x` rounded to 2 decimals. */
export const r2 = (x: number) => Number(x.toFixed(2));
/** `x` rounded to 3 decimals. */
export const r3 = (x: number) => Number(x.toFixed(3));

/** Median, extremes and every sample of a short series of runs, rounded (unit of the samples). */
export interface Stats {
  median: number;
  min: number;
  max: number;
  /** The samples in run order. */
  runs: number[];
}

/** `Stats` of `xs`, every number rounded to `digits` decimals; NaNs and no runs for no samples. */
export function stats(xs: number[], digits = 3): Stats {
  if (xs.length === 0) return { median: NaN, min: NaN, max: NaN, runs: [] };
  const r = (x: number) => Number(x.toFixed(digits));
  return { median: r(pct(xs, 50)), min: r(Math.min(...xs)), max: r(Math.max(...xs)), runs: xs.map(r) };
}

/** Distribution of many samples (latencies), rounded to 0.1 (unit of the samples). */
export interface Dist {
  /** Number of samples. */
  n: number;
  p50: number;
  p95: number;
  min: number;
  max: number;
}

/** `Dist` of `xs` (linear-interpolated percentiles). */
export function dist(xs: number[]): Dist {
  return { n: xs.length, p50: r1(pct(xs, 50)), p95: r1(pct(xs, 95)), min: r1(Math.min(...xs)), max: r1(Math.max(...xs)) };
}

/** One table row: the first cell padded right to `widths[0]` characters, the others padded left, two spaces apart. */
export function row(cells: (string | number)[], widths: number[]): string {
  return cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]!) : String(c).padStart(widths[i]!))).join("  ");
}
