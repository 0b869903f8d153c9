/**
 * One part of an `.h264` recording: a raw Annex-B byte stream (ITU-T H.264 Annex B), the
 * format of the seed's recordings, with SPS and PPS in front of every IDR (the pipeline
 * puts them there), so the file plays from any keyframe. Part 1 is the recording's file
 * (`recording_YYYYMMDD_HHMMSS.h264` by default); part n is `<name>.part<n>.h264`.
 *
 * Every `segment_s` of media the file is fsynced and its segment row grows by what is now
 * durable. A worker that resumes the recording after
 * a crash truncates the dead part's file to that durable length, so every part on disk
 * ends on a whole access unit.
 */
import { type FileHandle, open, rm, truncate } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { AccessUnit } from "../../media/access-unit.ts";
import { toAnnexB } from "../../media/annexb.ts";
import type { StoredSegment } from "../../db/recording-segments-repository.ts";
import { makeDir, syncDir, writeAll } from "./durable-file.ts";
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

/** Frames are handed to the file at least this often, 90 kHz ticks (1 s), or past FLUSH_BYTES. */
const FLUSH_TICKS = 90_000;
const FLUSH_BYTES = 1024 * 1024;
/** Bytes handed to the file but not yet written above which a frame waits (a disk too slow). */
const MAX_BACKLOG = 16 * 1024 * 1024;

/**
 * Writes one h264 part. A frame is only appended to a list; the list goes to the file in
 * the background (every second or MiB), and the fsync of each checkpoint runs there too,
 * so a frame never waits for the disk unless 16 MiB are waiting already. (Writing each
 * frame itself made frames wait behind the checkpoint's fsync of the same file: p99 11 ms
 * against 0.5 ms in test/bench/recording.ts.)
 */
export class H264PartWriter implements PartWriter {
  private readonly rel: string;
  private readonly clock = new SegmentClock();
  private fh: FileHandle | undefined;
  private firstDts = 0;
  private lastDts = 0;
  private step = 3000;
  private bytes = 0;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private backlog = 0;
  private flushDts = 0;
  private checkpointDts = 0;
  private durable: Durable = { bytes: 0, frames: 0, ticks: 0 };
  private rowAdded = false;
  private io: Promise<void> = Promise.resolve();
  private failure: Error | undefined;
  frames = 0;

  constructor(private readonly ctx: PartContext) {
    this.rel = h264PartPath(ctx.recording.path, ctx.part);
  }

  get ticks(): number {
    return this.frames === 0 ? 0 : this.lastDts - this.firstDts;
  }

  async open(first: AccessUnit): Promise<void> {
    const abs = join(this.ctx.root, this.rel);
    await makeDir(this.ctx.root, dirname(abs));
    try {
      this.fh = await open(abs, "w");
      await syncDir(dirname(abs));
    } catch (err) {
      throw (this.failure = storageError(err, this.rel));
    }
    this.firstDts = first.dts;
    this.flushDts = first.dts;
    this.checkpointDts = first.dts;
    this.clock.reset(first.dts);
  }

  async write(au: AccessUnit, arrivedAt: number): Promise<WriteResult> {
    if (this.failure) throw this.failure;
    if (!this.fh) await this.open(au);
    if (this.frames > 0 && au.dts > this.lastDts && au.dts - this.lastDts < 90_000) this.step = au.dts - this.lastDts;
    const data = toAnnexB(au.nalus);
    this.pending.push(data);
    this.pendingBytes += data.byteLength;
    this.bytes += data.byteLength;
    this.clock.observe(au.dts, arrivedAt);
    this.lastDts = au.dts;
    this.frames++;
    if (au.dts - this.checkpointDts >= this.ctx.recording.segmentS * 90_000) {
      this.checkpointDts = this.flushDts = au.dts;
      this.flush(this.ticks);
    } else if (au.dts - this.flushDts >= FLUSH_TICKS || this.pendingBytes >= FLUSH_BYTES) {
      this.flushDts = au.dts;
      this.flush(undefined);
    }
    if (this.backlog > MAX_BACKLOG) await this.io;
    return "ok";
  }

  /**
   * Hands the pending frames to the background writer; with `syncTicks`, the writer then
   * fsyncs and records what became durable (the part's media up to that many ticks).
   */
  private flush(syncTicks: number | undefined): void {
    const chunks = this.pending;
    const size = this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    this.backlog += size;
    const target: Durable | undefined = syncTicks === undefined ? undefined : { bytes: this.bytes, frames: this.frames, ticks: syncTicks };
    const fh = this.fh!;
    this.io = this.io.then(async () => {
      if (this.failure) return;
      try {
        if (size > 0 && (await writeAll(fh, chunks)) !== size) throw Object.assign(new Error("short write"), { code: "EIO" });
        this.backlog -= size;
        if (!target) return;
        try {
          await fh.datasync();
        } catch (err) {
          throw storageError(err, this.rel);
        }
        await this.record(target);
      } catch (err) {
        this.failure = storageError(err, this.rel);
      }
    });
  }

  /** Grows the part's segment row to `target` (inserts it at the first checkpoint). */
  private async record(target: Durable): Promise<void> {
    const prev = this.durable;
    const grow = {
      bytes: target.bytes - prev.bytes,
      frames: target.frames - prev.frames,
      ticks: target.ticks - prev.ticks,
      durationMs: Math.round(target.ticks / 90) - Math.round(prev.ticks / 90),
    };
    const { recording, part } = this.ctx;
    if (!this.rowAdded) {
      await this.ctx.segments.add({
        recordingId: recording.id,
        cameraId: recording.cameraId,
        part,
        seq: 1,
        path: this.rel,
        startMs: this.clock.startMs,
        ...grow,
      });
      this.rowAdded = true;
    } else {
      await this.ctx.segments.grow(recording.id, part, 1, grow);
    }
    this.durable = target;
  }

  async finish(endDts?: number): Promise<void> {
    if (this.fh && !this.failure) {
      const end = endDts !== undefined && endDts > this.lastDts ? endDts : this.lastDts + this.step;
      this.flush(end - this.firstDts);
    }
    await this.io;
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
