/**
 * The recorder of one recording on the holder: a pipeline consumer with its own bounded
 * queue (a slow disk loses frames up to the next keyframe, counted, and never slows the
 * camera) and a loop that writes parts. A part begins at the first IDR that carries SPS
 * and PPS (the cached GOP's, when the camera is live) and ends when the recorder stops, at
 * the recording's max duration, or when the camera's parameter sets change (the next part
 * gets its own init segment). Beginning a part marks a part a dead worker left open as
 * `interrupted` and repairs its files.
 *
 * It ends the recording itself only at max duration (`done`) and on a write failure
 * (`failed`, with the error); everything else (stop requests, hand-over to another worker)
 * is decided by leases, see `record-output.ts`.
 */
import { join } from "node:path";
import type { RecordingSegmentsRepository } from "../../db/recording-segments-repository.ts";
import type { RecordingsRepository } from "../../db/recordings-repository.ts";
import type { Logger } from "../../log.ts";
import type { AccessUnit } from "../../media/access-unit.ts";
import { DecodeTimeOrderError } from "../../media/errors.ts";
import { activeRecordings, recordingFailuresTotal, recordWriteSeconds } from "../../metrics.ts";
import type { RecordingRecord } from "../../recordings/recording.ts";
import { ConsumerQueue } from "../consumer-queue.ts";
import type { Consumer, Pipeline } from "../pipeline.ts";
import { removeTempFiles } from "./durable-file.ts";
import { Fmp4PartWriter, fmp4PartDir } from "./fmp4-part-writer.ts";
import { H264PartWriter, repairH264Part } from "./h264-part-writer.ts";
import { parameterSetsOf } from "../../media/parameter-sets.ts";
import type { PartWriter } from "./part-writer.ts";
import { RecordingStorageError } from "./storage-error.ts";

/** What a recorder uses. */
export interface RecorderDeps {
  readonly recordings: RecordingsRepository;
  readonly segments: RecordingSegmentsRepository;
  /** RECORDINGS_DIR, absolute. */
  readonly root: string;
  readonly workerId: string;
  readonly log: Logger;
}

/** How long `stop` lets the loop write what is queued, ms. */
const DRAIN_MS = 3000;

/** Records one recording from one pipeline. */
export class Recorder implements Consumer {
  readonly kind = "record";
  private readonly queue = new ConsumerQueue({ maxUnits: 300, maxBytes: 32 * 1024 * 1024 });
  private writer: PartWriter | undefined;
  private part = 0;
  private partFirstDts = 0;
  private priorTicks = 0;
  private loop: Promise<void> | undefined;
  private stopping = false;
  /** Why the recorder ended on its own: undefined while it runs or was stopped. */
  endedAs: "done" | "failed" | undefined;

  constructor(
    private readonly deps: RecorderDeps,
    /** The recording as loaded when the recorder was made. */
    readonly recording: RecordingRecord,
    private readonly pipeline: Pipeline,
  ) {}

  /** Access units lost because the recorder did not keep up. */
  get dropped(): number {
    return this.queue.dropped;
  }

  /** Attaches to the pipeline (the cached GOP comes first) and starts writing. */
  start(): void {
    activeRecordings.inc();
    this.pipeline.attach(this);
    this.loop = this.run();
  }

  offer(au: AccessUnit): void {
    this.queue.offer(au);
  }

  /** Stops: writes what is queued (up to 3 s), finishes the part as `done`, detaches. */
  async stop(): Promise<void> {
    if (this.stopping) return this.loop;
    this.stopping = true;
    this.pipeline.detach(this);
    const deadline = Date.now() + DRAIN_MS;
    while (this.queue.length > 0 && this.endedAs === undefined && Date.now() < deadline) await Bun.sleep(5);
    this.queue.close();
    await this.loop;
  }

  private async run(): Promise<void> {
    try {
      for (;;) {
        const au = await this.queue.next();
        if (!au) break;
        const t0 = performance.now();
        const more = await this.take(au, Date.now());
        recordWriteSeconds.observe((performance.now() - t0) / 1000);
        if (!more) return;
      }
      await this.endPart("done");
    } catch (err) {
      await this.fail(err);
    } finally {
      this.pipeline.detach(this);
      this.queue.close();
      activeRecordings.dec();
    }
  }

  /** @returns false when the recording reached its max duration and ended */
  private async take(au: AccessUnit, arrivedAt: number): Promise<boolean> {
    if (!this.writer) {
      const { sps, pps } = parameterSetsOf(au);
      if (!au.isKeyframe || !sps || !pps) return true;
      await this.beginPart(au);
    }
    const max = this.recording.maxDurationS;
    if (max !== null && this.priorTicks + (au.dts - this.partFirstDts) >= max * 90_000) {
      await this.endPart("done", au.dts);
      await this.deps.recordings.setState(this.recording.id, "done", { from: ["recording"], endedAt: Date.now() });
      this.endedAs = "done";
      this.deps.log.info({ camera: this.recording.cameraId, recording: this.recording.id }, "recording reached its max duration");
      return false;
    }
    let result;
    try {
      result = await this.writer!.write(au, arrivedAt);
    } catch (err) {
      if (err instanceof DecodeTimeOrderError) return true; // the pipeline keeps dts increasing; skip a stray one
      throw err;
    }
    if (result === "new-part") {
      this.deps.log.info({ camera: this.recording.cameraId, recording: this.recording.id }, "parameter sets changed: new part");
      await this.endPart("done", au.dts);
      await this.beginPart(au);
      await this.writer!.write(au, arrivedAt);
    }
    return true;
  }

  /**
   * Opens the next part's files, then records the part (the database never names a part
   * whose directory could not be made). Open parts of a dead writer are repaired first and
   * marked `interrupted` with the new part, in one transaction.
   */
  private async beginPart(au: AccessUnit): Promise<void> {
    const { recordings, segments, root, workerId } = this.deps;
    const rec = this.recording;
    const current = await recordings.get(rec.id);
    const part = current.parts + 1;
    for (const p of await recordings.parts(rec.id)) {
      if (p.state !== "recording") continue;
      this.deps.log.warn({ camera: rec.cameraId, recording: rec.id, part: p.part, worker: p.worker }, "resuming a recording whose part was interrupted");
      if (rec.format === "fmp4") await removeTempFiles(join(root, fmp4PartDir(rec.path, p.part)));
      else
        await repairH264Part(
          root,
          rec.path,
          p.part,
          (await segments.ofRecording(rec.id)).find((s) => s.part === p.part),
        );
    }
    const ctx = { root, recording: rec, part, segments };
    const writer = rec.format === "fmp4" ? new Fmp4PartWriter(ctx) : new H264PartWriter(ctx);
    this.part = 0;
    await writer.open(au);
    const begun = await recordings.beginPart(rec.id, workerId, Date.now());
    if (begun.part !== part) throw new Error(`recording ${rec.id}: part ${begun.part} began while part ${part} was opened (two recorders?)`);
    this.priorTicks = current.durationMs * 90;
    this.part = part;
    this.partFirstDts = au.dts;
    this.writer = writer;
  }

  private async endPart(state: "done", endDts?: number): Promise<void> {
    const w = this.writer;
    if (!w) return;
    this.writer = undefined;
    await w.finish(endDts);
    await this.deps.recordings.endPart(this.recording.id, this.part, state, Date.now());
  }

  private async fail(err: unknown): Promise<void> {
    const rec = this.recording;
    const message = err instanceof Error ? err.message : String(err);
    this.endedAs = "failed";
    recordingFailuresTotal.labels(err instanceof RecordingStorageError ? "storage" : "other").inc();
    this.deps.log.error({ camera: rec.cameraId, recording: rec.id, err: message }, "recording failed");
    await this.writer?.finish().catch(() => {});
    this.writer = undefined;
    try {
      if (this.part > 0) await this.deps.recordings.endPart(rec.id, this.part, "failed", Date.now(), message);
      else await this.deps.recordings.interruptOpenParts(rec.id, Date.now());
      await this.deps.recordings.setState(rec.id, "failed", { from: ["recording", "interrupted"], endedAt: Date.now(), error: message });
    } catch (dbErr) {
      this.deps.log.error({ recording: rec.id, err: (dbErr as Error).message }, "could not mark the recording failed");
    }
  }
}
