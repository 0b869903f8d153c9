/**
 * One part of an `.h264` recording: a raw Annex-B byte stream (ITU-T H.264 Annex B), the
 * format of the seed's recordings, with SPS and PPS in front of every IDR (the pipeline
 * puts them there), so the file plays from any keyframe. Part 1 is the recording's file
 * (`recording_YYYYMMDD_HHMMSS.h264` by default); part n is `<name>.part<n>.h264`.
 *
 * Frames go to the file as they come; every `segment_s` of media the file is fsynced and
 * its segment row grows by what is now durable. A worker that resumes the recording after
 * a crash truncates the dead part's file to that durable length, so every part on disk
 * ends on a whole access unit.
 */
import { type FileHandle, open, rm, truncate } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { AccessUnit } from "../../media/access-unit.ts";
import { toAnnexB } from "../../media/annexb.ts";
import type { StoredSegment } from "../../db/recording-segments-repository.ts";
import { makeDir } from "./durable-file.ts";
import { type PartContext, type PartWriter, SegmentClock, type WriteResult } from "./part-writer.ts";
import { storageError } from "./storage-error.ts";

/** The file of part `part` of an h264 recording whose part-1 file is `recordingPath`. */
export function h264PartPath(recordingPath: string, part: number): string {
  return part === 1 ? recordingPath : recordingPath.replace(/\.h264$/, "") + `.part${part}.h264`;
}

/** Durable totals at the last checkpoint. */
interface Durable {
  bytes: number;
  frames: number;
  ticks: number;
}

/** Writes one h264 part. */
export class H264PartWriter implements PartWriter {
  private readonly rel: string;
  private readonly clock = new SegmentClock();
  private fh: FileHandle | undefined;
  private firstDts = 0;
  private lastDts = 0;
  private step = 3000;
  private bytes = 0;
  private checkpointDts = 0;
  private durable: Durable = { bytes: 0, frames: 0, ticks: 0 };
  private rowAdded = false;
  private syncing: Promise<void> = Promise.resolve();
  private failure: Error | undefined;
  frames = 0;

  constructor(private readonly ctx: PartContext) {
    this.rel = h264PartPath(ctx.recording.path, ctx.part);
  }

  get ticks(): number {
    return this.frames === 0 ? 0 : this.lastDts - this.firstDts;
  }

  async write(au: AccessUnit, arrivedAt: number): Promise<WriteResult> {
    if (this.failure) throw this.failure;
    if (!this.fh) await this.open(au);
    const fh = this.fh!;
    try {
      if (this.frames > 0 && au.dts > this.lastDts && au.dts - this.lastDts < 90_000) {
        this.step = au.dts - this.lastDts;
      }
      const data = toAnnexB(au.nalus);
      const { bytesWritten } = await fh.write(data);
      if (bytesWritten !== data.byteLength) throw Object.assign(new Error("short write"), { code: "ENOSPC" });
      this.bytes += bytesWritten;
    } catch (err) {
      throw (this.failure = storageError(err, this.rel));
    }
    this.clock.observe(au.dts, arrivedAt);
    this.lastDts = au.dts;
    this.frames++;
    if (au.dts - this.checkpointDts >= this.ctx.recording.segmentS * 90_000) {
      this.checkpointDts = au.dts;
      await this.checkpoint(this.ticks);
    }
    return "ok";
  }

  async open(first: AccessUnit): Promise<void> {
    const abs = join(this.ctx.root, this.rel);
    await makeDir(this.ctx.root, dirname(abs));
    try {
      this.fh = await open(abs, "w");
    } catch (err) {
      throw (this.failure = storageError(err, this.rel));
    }
    this.firstDts = first.dts;
    this.checkpointDts = first.dts;
    this.clock.reset(first.dts);
  }

  /** fsyncs in the background (one at a time) and records what became durable. */
  private async checkpoint(ticks: number): Promise<void> {
    await this.syncing;
    if (this.failure) throw this.failure;
    const target: Durable = { bytes: this.bytes, frames: this.frames, ticks };
    const fh = this.fh!;
    this.syncing = (async () => {
      try {
        await fh.datasync();
      } catch (err) {
        throw storageError(err, this.rel);
      }
      const prev = this.durable;
      const grow = { bytes: target.bytes - prev.bytes, frames: target.frames - prev.frames, ticks: target.ticks - prev.ticks, durationMs: Math.round(target.ticks / 90) - Math.round(prev.ticks / 90) };
      const { recording, part } = this.ctx;
      if (!this.rowAdded) {
        await this.ctx.segments.add({ recordingId: recording.id, cameraId: recording.cameraId, part, seq: 1, path: this.rel, startMs: this.clock.startMs, ...grow });
        this.rowAdded = true;
      } else {
        await this.ctx.segments.grow(recording.id, part, 1, grow);
      }
      this.durable = target;
    })().catch((err: Error) => {
      this.failure = err;
    });
  }

  async finish(endDts?: number): Promise<void> {
    if (this.fh && !this.failure) {
      const end = endDts !== undefined && endDts > this.lastDts ? endDts : this.lastDts + this.step;
      await this.checkpoint(end - this.firstDts);
    }
    await this.syncing;
    await this.fh?.close().catch(() => {});
    this.fh = undefined;
    if (this.failure) throw this.failure;
  }
}

/**
 * Cuts the file of a part whose writer died back to what its segment row says is durable
 * (or removes it when nothing was), so the file ends on a whole access unit.
 * @param segment the part's segment row, or undefined when it has none
 */
export async function repairH264Part(root: string, recordingPath: string, part: number, segment: StoredSegment | undefined): Promise<void> {
  const abs = join(root, h264PartPath(recordingPath, part));
  if (!segment || segment.bytes === 0) await rm(abs, { force: true });
  else await truncate(abs, segment.bytes).catch(() => {});
}
