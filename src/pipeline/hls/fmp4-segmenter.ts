/**
 * Cuts a camera's access units into LL-HLS media (draft-pantos-hls-rfc8216bis §3.1.2 fMP4
 * segments, §4.4.4.9 partial segments): an init segment per parameter-set generation
 * (EXT-X-MAP), segments that start at a keyframe, and parts of about the part target that
 * are each one movie fragment (`moof` + `mdat`). A segment's bytes are its parts' bytes
 * concatenated, so the segment and its parts are the same media.
 *
 * - A keyframe starts a new segment once the open one is at least `minSegmentMs` long, so a
 *   1 s GOP gives 1 s segments and a long GOP one segment per GOP.
 * - A part ends when one more frame would take it past the part target (the target is fitted
 *   to a whole number of frames once the frame duration is known) and before every keyframe,
 *   so a part that starts with an IDR is independent (INDEPENDENT=YES).
 * - New parameter sets, a source restart, and a decode-time step backwards end the open
 *   segment; the next segment (from the next keyframe) follows a discontinuity, and with new
 *   parameter sets or after a restart, a new init segment.
 * - A segment that reaches `maxSegmentMs` without a keyframe ends there too (memory stays
 *   bounded for a camera that stops sending IDRs); the next one starts at the next keyframe,
 *   after a discontinuity.
 *
 * All times are the pipeline's 90 kHz timestamps; the wall clock comes in with each access
 * unit (`arrivalMs`) for EXT-X-PROGRAM-DATE-TIME. Pure state, no I/O: it returns events.
 */
import type { AccessUnit } from "../../media/access-unit.ts";
import { DecodeTimeOrderError, MediaError } from "../../media/errors.ts";
import type { Allocate } from "../../media/buffer-pool.ts";
import { type AvccNalUnits, avccNalUnits, initSegment, mediaFragment, SampleBuilder, type TimedSample } from "../../media/fmp4/index.ts";
import { parameterSetsOf, sameBytes } from "../../media/parameter-sets.ts";

/** Samples keep their NAL units until the part is written: copied once, into the fragment. */
type Sample = TimedSample<AvccNalUnits>;
const newSampleBuilder = () => new SampleBuilder({ payload: avccNalUnits });

/** Ticks per second of the pipeline's timestamps and of the fMP4 track. */
export const CLOCK = 90000;

/** Options of {@link Fmp4Segmenter}. */
export interface Fmp4SegmenterOptions {
  /** Part duration aimed at, ms; fitted to whole frames. @defaultValue 200 */
  readonly partTargetMs?: number;
  /** A keyframe starts a new segment once the open one lasts this long, ms. @defaultValue 1000 */
  readonly minSegmentMs?: number;
  /** A segment without a keyframe ends at this duration, ms (bounds memory). @defaultValue 30000 */
  readonly maxSegmentMs?: number;
  /**
   * Media sequence number of the first segment; when above 0 the segmenter continues a
   * playlist another output began, so its first segment follows a discontinuity.
   * @defaultValue 0
   */
  readonly firstMsn?: number;
  /**
   * Where each part's bytes go (see `mediaFragment`'s `allocate`): the HLS output hands out
   * pooled buffers and takes them back once Redis has the part.
   * @defaultValue a new buffer per part
   */
  readonly allocate?: Allocate;
}

/** A new init segment; segments from the next `segment-start` on use it. */
export interface InitEvent {
  readonly kind: "init";
  /** 0, 1, ... per segmenter. */
  readonly index: number;
  readonly bytes: Uint8Array;
}

/** A segment began with a keyframe (its parts follow). */
export interface SegmentStartEvent {
  readonly kind: "segment-start";
  /** Media sequence number, 0, 1, ... per segmenter. */
  readonly msn: number;
  /** The init segment it needs. */
  readonly initIndex: number;
  /** A discontinuity precedes it (source restart, new parameter sets, timestamp jump). */
  readonly discontinuity: boolean;
  /** Epoch ms at which its first access unit reached the segmenter. */
  readonly programDateMs: number;
  /** Decode time of its first sample, 90 kHz. */
  readonly dts: number;
}

/** A complete part: one movie fragment. */
export interface PartEvent {
  readonly kind: "part";
  readonly msn: number;
  /** Part index within its segment, 0, 1, ... */
  readonly index: number;
  readonly bytes: Uint8Array;
  /** Sum of its sample durations, 90 kHz ticks. */
  readonly duration: number;
  /** Starts with an IDR. */
  readonly independent: boolean;
  /** Access units in it. */
  readonly samples: number;
}

/**
 * A complete segment. Its bytes are its parts' bytes concatenated; they are not copied into
 * one buffer here (the store keeps the parts and serves the segment as their concatenation).
 */
export interface SegmentEndEvent {
  readonly kind: "segment-end";
  readonly msn: number;
  /** 90 kHz ticks. */
  readonly duration: number;
  readonly parts: number;
}

/** What the segmenter reports, in order. */
export type SegmenterEvent = InitEvent | SegmentStartEvent | PartEvent | SegmentEndEvent;

interface OpenSegment {
  readonly msn: number;
  readonly startDts: number;
  /** Parts closed so far. */
  parts: number;
  duration: number;
}

interface OpenPart {
  readonly startDts: number;
  readonly independent: boolean;
  readonly samples: Sample[];
  duration: number;
}

/** Frame duration assumed until two access units have been seen: 1/30 s. */
const DEFAULT_FRAME = 3000;

/** The LL-HLS segmenter of one HLS output. */
export class Fmp4Segmenter {
  private readonly partTargetTicks: number;
  private readonly minSegmentTicks: number;
  private readonly maxSegmentTicks: number;
  private readonly allocate: Allocate | undefined;
  private builder = newSampleBuilder();
  private segment: OpenSegment | undefined;
  private part: OpenPart | undefined;
  private frame: number | undefined;
  private fittedPartTarget: number | undefined;
  private nextMsn: number;
  /** Whether a segment was started yet (a discontinuity needs something before it). */
  private started: boolean;
  private sequence = 1;
  private initIndex = -1;
  private initSps: Uint8Array | undefined;
  private initPps: Uint8Array | undefined;
  private needInit = true;
  private discontinuityNext: boolean;
  private waitingForKeyframe = true;
  /** Access units skipped while waiting for a keyframe (after a start, restart or error). */
  skipped = 0;

  constructor(opts: Fmp4SegmenterOptions = {}) {
    const partMs = opts.partTargetMs ?? 200;
    const segmentMs = opts.minSegmentMs ?? 1000;
    const maxMs = opts.maxSegmentMs ?? 30_000;
    if (!(partMs >= 10 && partMs <= 10_000)) throw new RangeError(`partTargetMs must be 10..10000, is ${partMs}`);
    if (!(segmentMs >= 0 && segmentMs <= 60_000)) throw new RangeError(`minSegmentMs must be 0..60000, is ${segmentMs}`);
    if (!(maxMs >= Math.max(1000, segmentMs) && maxMs <= 600_000)) throw new RangeError(`maxSegmentMs must be max(1000, minSegmentMs)..600000, is ${maxMs}`);
    this.partTargetTicks = Math.round((partMs * CLOCK) / 1000);
    this.minSegmentTicks = Math.round((segmentMs * CLOCK) / 1000);
    this.maxSegmentTicks = Math.round((maxMs * CLOCK) / 1000);
    this.nextMsn = opts.firstMsn ?? 0;
    this.allocate = opts.allocate;
    if (!(Number.isSafeInteger(this.nextMsn) && this.nextMsn >= 0)) throw new RangeError(`firstMsn must be a whole number >= 0, is ${this.nextMsn}`);
    this.started = this.nextMsn > 0;
    this.discontinuityNext = this.started;
  }

  /** Part target fitted to whole frames, 90 kHz ticks (the configured one until frames are seen). */
  get partTarget(): number {
    return this.fittedPartTarget ?? this.partTargetTicks;
  }

  /** Frame duration taken from the first two access units, 90 kHz ticks. */
  get frameDuration(): number {
    return this.frame ?? DEFAULT_FRAME;
  }

  /**
   * Takes the next access unit (the pipeline's, with SPS/PPS in front of each IDR).
   * @param arrivalMs epoch ms at which it reached the output
   * @returns what became complete or began
   */
  push(au: AccessUnit, arrivalMs: number): SegmenterEvent[] {
    const events: SegmenterEvent[] = [];
    if (this.waitingForKeyframe && !au.isKeyframe) {
      this.skipped++;
      return events;
    }
    let sample: Sample | undefined;
    try {
      sample = this.builder.push(au);
    } catch (err) {
      if (!(err instanceof MediaError)) throw err;
      // Decode time went backwards, or a bad access unit: end here and go on after a
      // discontinuity, at this keyframe when it only broke the decode-time order.
      this.end(events, true);
      if (err instanceof DecodeTimeOrderError && au.isKeyframe) events.push(...this.push(au, arrivalMs));
      else this.skipped++;
      return events;
    }
    if (sample) this.addSample(sample);
    if (au.isKeyframe) this.keyframe(au, arrivalMs, events);
    else if (this.segment && this.segment.duration + (this.part?.duration ?? 0) >= this.maxSegmentTicks) this.end(events, true);
    else if (this.part && this.part.duration + this.frameDuration / 2 > this.partTarget) this.closePart(events, au.dts, false);
    return events;
  }

  /**
   * The source restarted: the open segment ends with its last access unit (given one
   * frame's duration); the next segment starts at the next keyframe, after a discontinuity
   * and with a new init segment.
   */
  restart(): SegmenterEvent[] {
    const events: SegmenterEvent[] = [];
    this.end(events, true);
    this.needInit = true;
    return events;
  }

  /** Ends the open segment with its last access unit (output stopping). */
  finish(): SegmenterEvent[] {
    const events: SegmenterEvent[] = [];
    this.end(events, false);
    return events;
  }

  private end(events: SegmenterEvent[], discontinuity: boolean): void {
    const last = this.builder.flush(this.frameDuration);
    this.builder = newSampleBuilder();
    if (last && this.part) this.addSample(last);
    this.closePart(events, undefined, false);
    this.closeSegment(events);
    this.part = undefined;
    this.waitingForKeyframe = true;
    if (discontinuity && this.started) this.discontinuityNext = true;
  }

  private addSample(s: Sample): void {
    if (this.frame === undefined) {
      this.frame = Math.min(CLOCK, Math.max(90, s.duration));
      const n = Math.max(1, Math.round(this.partTargetTicks / this.frame));
      this.fittedPartTarget = n * this.frame;
    }
    if (!this.part) return;
    this.part.samples.push(s);
    this.part.duration += s.duration;
  }

  private keyframe(au: AccessUnit, arrivalMs: number, events: SegmenterEvent[]): void {
    const { sps, pps } = parameterSetsOf(au);
    const changed = sps !== undefined && pps !== undefined && (!sameBytes(sps, this.initSps) || !sameBytes(pps, this.initPps));
    const long = this.segment !== undefined && this.segment.duration + (this.part?.duration ?? 0) + this.frameDuration / 2 >= this.minSegmentTicks;
    if (this.segment && !changed && !long) {
      this.closePart(events, au.dts, true);
      return;
    }
    this.closePart(events, undefined, false);
    this.closeSegment(events);
    if (changed || this.needInit) {
      if (!sps || !pps || !this.newInit(sps, pps, events)) {
        // No usable parameter sets: this keyframe cannot start a segment.
        this.skipped++;
        this.waitingForKeyframe = true;
        this.builder = newSampleBuilder();
        return;
      }
      if (this.initIndex > 0) this.discontinuityNext = true;
    }
    this.waitingForKeyframe = false;
    this.segment = { msn: this.nextMsn++, startDts: au.dts, parts: 0, duration: 0 };
    this.started = true;
    events.push({
      kind: "segment-start",
      msn: this.segment.msn,
      initIndex: this.initIndex,
      discontinuity: this.discontinuityNext,
      programDateMs: arrivalMs,
      dts: au.dts,
    });
    this.discontinuityNext = false;
    this.part = { startDts: au.dts, independent: true, samples: [], duration: 0 };
  }

  private newInit(sps: Uint8Array, pps: Uint8Array, events: SegmenterEvent[]): boolean {
    let bytes: Uint8Array;
    try {
      bytes = initSegment({ sps, pps, timescale: CLOCK });
    } catch (err) {
      if (err instanceof MediaError) return false;
      throw err;
    }
    this.initSps = sps;
    this.initPps = pps;
    this.needInit = false;
    events.push({ kind: "init", index: ++this.initIndex, bytes });
    return true;
  }

  /** Ends the open part (when it has samples) and, given `nextDts`, opens the next one. */
  private closePart(events: SegmenterEvent[], nextDts: number | undefined, independentNext: boolean): void {
    const p = this.part;
    const seg = this.segment;
    if (p && seg && p.samples.length > 0) {
      const bytes = mediaFragment({ sequenceNumber: this.sequence++, baseDecodeTime: p.startDts, samples: p.samples, allocate: this.allocate });
      events.push({ kind: "part", msn: seg.msn, index: seg.parts, bytes, duration: p.duration, independent: p.independent, samples: p.samples.length });
      seg.parts++;
      seg.duration += p.duration;
    }
    this.part = nextDts === undefined || !seg ? undefined : { startDts: nextDts, independent: independentNext, samples: [], duration: 0 };
  }

  private closeSegment(events: SegmenterEvent[]): void {
    const seg = this.segment;
    this.segment = undefined;
    if (!seg || seg.parts === 0) return;
    events.push({ kind: "segment-end", msn: seg.msn, duration: seg.duration, parts: seg.parts });
  }
}
