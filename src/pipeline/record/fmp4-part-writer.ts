/**
 * One part of an fMP4 recording: `part-<n>/init.mp4` (ftyp + moov with the part's SPS/PPS)
 * and `part-<n>/<seq>.m4s` movie fragments (moof + mdat, no styp) of about `segment_s`,
 * cut at the first keyframe after it. Each file is written durably (temporary name, fsync,
 * rename) before its row is inserted, so a crash loses at most the segment being filled.
 * Decode times start at 0 in each part; serving re-bases them onto one timeline.
 *
 * Segments are written in the background while the next one fills: frames never wait for
 * a disk write unless the previous segment's write is still running at the next cut.
 */
import { join } from "node:path";
import type { AccessUnit } from "../../media/access-unit.ts";
import { initSegment } from "../../media/fmp4/init-segment.ts";
import { mediaFragmentParts } from "../../media/fmp4/media-fragment.ts";
import { SampleBuilder, type TimedSample } from "../../media/fmp4/sample-builder.ts";
import { recordSegmentWriteSeconds } from "../../metrics.ts";
import { makeDir, removeTempFiles, writeDurably } from "./durable-file.ts";
import { parameterSetsOf, sameBytes } from "../../media/parameter-sets.ts";
import { type PartContext, type PartWriter, SegmentClock, type WriteResult } from "./part-writer.ts";

/** Directory of a part, relative to RECORDINGS_DIR. */
export function fmp4PartDir(recordingPath: string, part: number): string {
  return `${recordingPath}/part-${part}`;
}

/** File name of a segment in its part directory. */
export function fmp4SegmentName(seq: number): string {
  return `${String(seq).padStart(6, "0")}.m4s`;
}

/** Writes one fMP4 part. */
export class Fmp4PartWriter implements PartWriter {
  private readonly builder = new SampleBuilder();
  private readonly clock = new SegmentClock();
  private readonly relDir: string;
  private readonly absDir: string;
  private sps: Uint8Array | undefined;
  private pps: Uint8Array | undefined;
  private firstDts = 0;
  private lastDts = 0;
  private segFirstDts = 0;
  private samples: TimedSample[] = [];
  private seq = 0;
  private writing: Promise<void> = Promise.resolve();
  private failure: Error | undefined;
  frames = 0;

  constructor(private readonly ctx: PartContext) {
    this.relDir = fmp4PartDir(ctx.recording.path, ctx.part);
    this.absDir = join(ctx.root, this.relDir);
  }

  get ticks(): number {
    return this.frames === 0 ? 0 : this.lastDts - this.firstDts;
  }

  async write(au: AccessUnit, arrivedAt: number): Promise<WriteResult> {
    if (this.failure) throw this.failure;
    if (this.frames === 0) {
      if (!this.sps) await this.open(au);
    } else if (au.isKeyframe) {
      const p = parameterSetsOf(au);
      if (p.sps && p.pps && (!sameBytes(p.sps, this.sps) || !sameBytes(p.pps, this.pps))) return "new-part";
      if (au.dts - this.segFirstDts >= this.ctx.recording.segmentS * 90_000) {
        const last = this.builder.push(au);
        if (last) this.samples.push(last);
        await this.cut();
        this.clock.reset(au.dts);
        this.segFirstDts = au.dts;
        return this.took(au, arrivedAt);
      }
    }
    const s = this.builder.push(au);
    if (s) this.samples.push(s);
    return this.took(au, arrivedAt);
  }

  private took(au: AccessUnit, arrivedAt: number): WriteResult {
    this.clock.observe(au.dts, arrivedAt);
    this.lastDts = au.dts;
    this.frames++;
    return "ok";
  }

  async open(au: AccessUnit): Promise<void> {
    const { sps, pps } = parameterSetsOf(au);
    if (!sps || !pps) throw new Error("a part must start at an IDR with SPS and PPS");
    this.sps = sps;
    this.pps = pps;
    await makeDir(this.ctx.root, this.absDir);
    await removeTempFiles(this.absDir);
    await writeDurably(this.ctx.root, join(this.absDir, "init.mp4"), [initSegment({ sps, pps })]);
    this.firstDts = au.dts;
    this.segFirstDts = au.dts;
    this.clock.reset(au.dts);
  }

  /** Queues the filled segment's write behind the previous one (at most one waits). */
  private async cut(): Promise<void> {
    if (this.samples.length === 0) return;
    const samples = this.samples;
    const startMs = this.clock.startMs;
    this.samples = [];
    await this.writing;
    if (this.failure) throw this.failure;
    const seq = ++this.seq;
    this.writing = this.writeSegment(seq, samples, startMs).catch((err: Error) => {
      this.failure = err;
    });
  }

  private async writeSegment(seq: number, samples: TimedSample[], startMs: number): Promise<void> {
    const t0 = performance.now();
    const frag = mediaFragmentParts({ sequenceNumber: seq, baseDecodeTime: samples[0]!.dts - this.firstDts, samples });
    const name = fmp4SegmentName(seq);
    const bytes = await writeDurably(this.ctx.root, join(this.absDir, name), [frag.header, ...frag.payloads]);
    recordSegmentWriteSeconds.observe((performance.now() - t0) / 1000);
    let ticks = 0;
    for (const s of samples) ticks += s.duration;
    const { recording, part } = this.ctx;
    await this.ctx.segments.add({
      recordingId: recording.id,
      cameraId: recording.cameraId,
      part,
      seq,
      path: `${this.relDir}/${name}`,
      startMs,
      durationMs: Math.round(ticks / 90),
      ticks,
      bytes,
      frames: samples.length,
    });
  }

  async finish(endDts?: number): Promise<void> {
    if (this.frames > 0 && !this.failure) {
      const held = this.builder.pending;
      const last = this.builder.flush(held && endDts !== undefined && endDts > this.lastDts ? endDts - this.lastDts : undefined);
      if (last) this.samples.push(last);
      await this.cut();
    }
    await this.writing;
    if (this.failure) throw this.failure;
  }
}
