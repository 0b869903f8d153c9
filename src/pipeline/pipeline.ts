/**
 * One camera's pipeline: the fan-out between its source and its consumers. It keeps
 * the latest SPS/PPS and the last GOP (from the latest IDR on), puts SPS/PPS in front
 * of every IDR that leaves it, makes timestamps continuous across source reconnects,
 * and hands each access unit to every consumer's bounded queue without waiting.
 */
import { type AccessUnit, accessUnitBytes } from "../media/access-unit.ts";
import { ParameterSetCache, withParameterSets } from "../media/parameter-sets.ts";

/** Something fed by a pipeline: HLS muxer, WebRTC viewer, recorder, snapshot. */
export interface Consumer {
  /** "hls", "snapshot", "webrtc", "record". */
  readonly kind: string;
  /** Takes one access unit; must not block. */
  offer(au: AccessUnit): void;
  /** The source reconnected: the next access unit starts a new source session. */
  sourceRestarted?(): void;
}

/** Bounds of the GOP cache. */
export interface PipelineOptions {
  /** Most access units kept from the latest IDR. @defaultValue 300 */
  readonly maxGopUnits?: number;
  /** Most bytes kept from the latest IDR. @defaultValue 32 MiB */
  readonly maxGopBytes?: number;
}

/** Default frame duration when none has been seen yet: 1/30 s in 90 kHz ticks. */
const DEFAULT_STEP = 3000;

/** The fan-out of one live camera. */
export class Pipeline {
  private readonly params = new ParameterSetCache();
  private gop: AccessUnit[] = [];
  private gopBytes = 0;
  private readonly consumers = new Set<Consumer>();
  private offset = 0;
  private lastDts: number | undefined;
  private step = DEFAULT_STEP;
  private rebase = false;
  private readonly maxGopUnits: number;
  private readonly maxGopBytes: number;
  /** Access units received from the source since the pipeline started. */
  received = 0;
  /** Epoch ms at which the latest keyframe arrived (the cached GOP's first); 0 before the first. */
  keyframeAt = 0;

  constructor(opts: PipelineOptions = {}) {
    this.maxGopUnits = opts.maxGopUnits ?? 300;
    this.maxGopBytes = opts.maxGopBytes ?? 32 * 1024 * 1024;
  }

  /** Latest SPS NAL units (empty before the first). */
  get sps(): readonly Uint8Array[] {
    return this.params.sps;
  }
  /** Latest PPS NAL units (empty before the first). */
  get pps(): readonly Uint8Array[] {
    return this.params.pps;
  }

  /** Takes out-of-band SPS/PPS (a container's decoder configuration). */
  setParameterSets(sps: readonly Uint8Array[], pps: readonly Uint8Array[]): void {
    this.params.set(sps, pps);
  }

  /** Call before the first access unit of a new source session (reconnect): timestamps continue. */
  sourceRestarted(): void {
    this.rebase = true;
    for (const c of this.consumers) c.sourceRestarted?.();
  }

  /** Takes one access unit from the source and fans it out. */
  push(input: AccessUnit): void {
    this.params.update(input);
    if (this.rebase || this.lastDts === undefined) {
      this.offset = this.lastDts === undefined ? -input.dts : this.lastDts + this.step - input.dts;
      this.rebase = false;
    }
    const dts = input.dts + this.offset;
    if (this.lastDts !== undefined && dts > this.lastDts && dts - this.lastDts < 90000) this.step = dts - this.lastDts;
    this.lastDts = dts;
    let au: AccessUnit = { nalus: input.nalus, dts, pts: input.pts + this.offset, isKeyframe: input.isKeyframe };
    if (au.isKeyframe) {
      au = withParameterSets(au, this.params.sps, this.params.pps);
      this.keyframeAt = Date.now();
    }
    this.received++;
    this.cache(au);
    for (const c of this.consumers) c.offer(au);
  }

  private cache(au: AccessUnit): void {
    if (au.isKeyframe) {
      this.gop = [];
      this.gopBytes = 0;
    } else if (this.gop.length === 0) {
      return;
    }
    const size = accessUnitBytes(au);
    if (this.gop.length >= this.maxGopUnits || this.gopBytes + size > this.maxGopBytes) {
      this.gop = [];
      this.gopBytes = 0;
      return;
    }
    this.gop.push(au);
    this.gopBytes += size;
  }

  /** The cached GOP: the latest IDR (with SPS/PPS) and what followed it. */
  get cachedGop(): readonly AccessUnit[] {
    return this.gop;
  }

  /** Adds a consumer; it first gets the cached GOP, so its picture starts at once. */
  attach(consumer: Consumer): void {
    for (const au of this.gop) consumer.offer(au);
    this.consumers.add(consumer);
  }

  /** Removes a consumer. */
  detach(consumer: Consumer): void {
    this.consumers.delete(consumer);
  }

  /** Consumers attached now, counted by kind. */
  consumerCounts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const c of this.consumers) out[c.kind] = (out[c.kind] ?? 0) + 1;
    return out;
  }
}
