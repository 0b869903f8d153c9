/**
 * Access units to fMP4 samples. A movie fragment states each sample's duration
 * (ISO/IEC 14496-12 §8.8.8, sample_duration), which is the distance to the next sample's
 * decoding time (§8.6.1.2: DT(n+1) = DT(n) + delta(n)); so a sample is complete only when the
 * next access unit arrives, and {@link SampleBuilder.push} returns the previous one.
 */

import type { AccessUnit } from "../access-unit.ts";
import { DecodeTimeOrderError, InvalidFieldError } from "../errors.ts";
import type { NalUnit } from "../nal-unit.ts";
import { avccSample } from "./avcc-sample.ts";
import type { Fmp4Sample, SamplePayload } from "./media-fragment.ts";

/** A sample with its decoding time, in ticks of the track timescale. */
export type TimedSample<D extends SamplePayload = Uint8Array> = Fmp4Sample<D> & { readonly dts: number };

/** Options of {@link SampleBuilder}. */
export interface SampleBuilderOptions<D extends SamplePayload = Uint8Array> {
  /**
   * Timescale of the track (ticks per second) the samples are for; access unit timestamps
   * (90 kHz) are converted to it, rounded to the nearest tick.
   * @defaultValue 90000, when no conversion happens
   */
  readonly timescale?: number;
  /**
   * Makes a sample's payload from its NAL units: `avccSample` copies them into AVCC bytes;
   * `avccNalUnits` keeps them, for a fragment that writes them in place (one copy fewer).
   * @defaultValue avccSample
   */
  readonly payload?: (nalus: readonly NalUnit[]) => D;
}

const AU_CLOCK = 90000;

/**
 * Turns a stream of access units into samples with durations: `push` holds each access unit
 * until the next one, then returns it as a sample whose duration is the difference of their
 * decoding times. `data` is the payload of all its NAL units (in-band SPS and PPS kept; AVCC bytes by default),
 * `isSync` its `isKeyframe`, `compositionOffset` pts - dts. Not reentrant; one per stream.
 */
export class SampleBuilder<D extends SamplePayload = Uint8Array> {
  private readonly timescale: number;
  private readonly toPayload: (nalus: readonly NalUnit[]) => D;
  private held: { data: D; dts: number; isSync: boolean; compositionOffset: number } | undefined;
  private lastDuration: number | undefined;

  /** @throws InvalidFieldError when `timescale` is not an integer 1..2^32-1 */
  constructor(options: SampleBuilderOptions<D> = {}) {
    this.toPayload = options.payload ?? (avccSample as unknown as (nalus: readonly NalUnit[]) => D);
    const t = options.timescale ?? AU_CLOCK;
    if (!Number.isInteger(t) || t < 1 || t > 0xffffffff) throw new InvalidFieldError("SampleBuilderOptions", "timescale", t);
    this.timescale = t;
  }

  /** True while an access unit is held, waiting for the next one to give its duration. */
  get pending(): boolean {
    return this.held !== undefined;
  }

  /**
   * Takes the next access unit (NAL units, dts and pts in 90 kHz ticks).
   * @returns the previous access unit as a sample, or undefined for the first one
   * @throws DecodeTimeOrderError when `au.dts` (in track ticks) does not exceed the previous
   *   one; the access unit is not taken and the builder is unchanged, so the caller may
   *   {@link flush} and start a new timeline (e.g. after a source restart)
   * @throws InvalidFieldError when dts or pts is not a safe integer, or a NAL unit is empty
   */
  push(au: AccessUnit): TimedSample<D> | undefined {
    if (!Number.isSafeInteger(au.dts)) throw new InvalidFieldError("access unit", "dts", au.dts);
    if (!Number.isSafeInteger(au.pts)) throw new InvalidFieldError("access unit", "pts", au.pts);
    const dts = this.ticks(au.dts);
    const prev = this.held;
    if (prev !== undefined && dts <= prev.dts) throw new DecodeTimeOrderError(prev.dts, dts);
    const data = this.toPayload(au.nalus);
    this.held = { data, dts, isSync: au.isKeyframe, compositionOffset: this.ticks(au.pts) - dts };
    if (prev === undefined) return undefined;
    this.lastDuration = dts - prev.dts;
    return { ...prev, duration: this.lastDuration };
  }

  /**
   * Ends the stream: returns the access unit still held, with a duration that no next access
   * unit can give, and forgets it. The next {@link push} starts a new timeline.
   * @param defaultDuration its duration in track ticks
   * @defaultValue the previous sample's duration, or 1/30 s when there was none
   * @returns the sample, or undefined when nothing is held
   * @throws InvalidFieldError when `defaultDuration` is not an integer 0..2^32-1
   */
  flush(defaultDuration?: number): TimedSample<D> | undefined {
    const d = defaultDuration ?? this.lastDuration ?? Math.round(this.timescale / 30);
    if (!Number.isInteger(d) || d < 0 || d > 0xffffffff) throw new InvalidFieldError("SampleBuilder.flush", "defaultDuration", d);
    const held = this.held;
    this.held = undefined;
    return held === undefined ? undefined : { ...held, duration: d };
  }

  private ticks(t90k: number): number {
    return this.timescale === AU_CLOCK ? t90k : Math.round((t90k * this.timescale) / AU_CLOCK);
  }
}
