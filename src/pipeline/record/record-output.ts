/**
 * The record output of a held camera: one recorder per recording that holds a
 * `record:<recordingId>` lease on the camera. On every holder tick it starts recorders for
 * new leases and stops those whose lease is gone (a stop request released it); every
 * second it refreshes the leases it records (TTL 15 s, so a dead holder's recordings wait
 * about that long for another worker to resume them) and ends recordings whose wall-clock
 * end (`stop_at`, schedules) has come. A recorder that ended on its own (max duration, write
 * failure) gives its lease back. A failure ends only that recording.
 */
import type { RecordingSegmentsRepository } from "../../db/recording-segments-repository.ts";
import type { RecordingsRepository } from "../../db/recordings-repository.ts";
import { NotFoundError } from "../../errors.ts";
import type { Logger } from "../../log.ts";
import type { LeaseStore } from "../../state/lease-store.ts";
import type { HeldCamera, Output } from "../outputs/output.ts";
import type { Pipeline } from "../pipeline.ts";
import { Recorder } from "./recorder.ts";

/** Lifetime of a recording's lease without refresh, ms. */
export const RECORD_LEASE_MS = 15_000;
/** Leases are refreshed and `stop_at` re-read every this many holder ticks (250 ms each). */
const REFRESH_EVERY_TICKS = 4;

/** What the record output uses. */
export interface RecordOutputDeps {
  readonly leases: LeaseStore;
  readonly recordings: RecordingsRepository;
  readonly segments: RecordingSegmentsRepository;
  /** RECORDINGS_DIR, absolute. */
  readonly root: string;
  readonly workerId: string;
  readonly log: Logger;
}

/** The recorders of one held camera. */
export class RecordOutput implements Output {
  readonly running = true;
  private readonly recorders = new Map<string, Recorder>();
  private droppedBefore = 0;
  private ticks = 0;

  constructor(
    private readonly deps: RecordOutputDeps,
    private readonly camera: HeldCamera,
    private readonly pipeline: Pipeline,
  ) {}

  get dropped(): number {
    let n = this.droppedBefore;
    for (const r of this.recorders.values()) n += r.dropped;
    return n;
  }

  async start(): Promise<void> {
    await this.syncSafely();
  }

  async tick(): Promise<void> {
    await this.syncSafely();
  }

  /** A database or Redis error is logged and retried at the next tick: it never ends the holder. */
  private async syncSafely(): Promise<void> {
    try {
      await this.sync();
    } catch (err) {
      this.deps.log.warn({ camera: this.camera.id, err: (err as Error).message }, "record output: sync failed, retrying");
    }
  }

  /** Stops every recorder; their parts end `done` and their recordings stay for the next holder. */
  async stop(): Promise<void> {
    await Promise.all([...this.recorders.keys()].map((id) => this.drop(id)));
  }

  private async drop(id: string, releaseLease = false): Promise<void> {
    const r = this.recorders.get(id);
    if (!r) return;
    this.recorders.delete(id);
    await r.stop();
    this.droppedBefore += r.dropped;
    if (releaseLease) await this.deps.leases.release(this.camera.id, "record", id);
  }

  private async sync(): Promise<void> {
    const { leases, recordings, log } = this.deps;
    const cam = this.camera.id;
    const wanted = new Set(await leases.members(cam, "record"));
    for (const id of wanted) {
      if (this.recorders.has(id)) continue;
      let rec;
      try {
        rec = await recordings.get(id);
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
        rec = undefined;
      }
      if (!rec || rec.cameraId !== cam || rec.state === "done" || rec.state === "failed") {
        await leases.release(cam, "record", id);
        continue;
      }
      const r = new Recorder(this.deps, rec, this.pipeline);
      this.recorders.set(id, r);
      r.start();
      log.info({ camera: cam, recording: id, format: rec.format }, "recorder started");
    }
    for (const [id, r] of this.recorders) {
      if (r.endedAs !== undefined) await this.drop(id, true);
      else if (!wanted.has(id)) await this.drop(id);
    }
    if (this.ticks++ % REFRESH_EVERY_TICKS !== 0) return;
    const now = Date.now();
    for (const id of [...this.recorders.keys()]) {
      const rec = await recordings.get(id).catch(() => undefined);
      if (rec?.stopAt != null && now >= rec.stopAt) {
        await this.drop(id, true);
        await recordings.setState(id, "done", { from: ["recording"], endedAt: now });
        log.info({ camera: cam, recording: id }, "recording reached its scheduled end");
        continue;
      }
      await leases.touch(cam, "record", id, RECORD_LEASE_MS, 0);
    }
  }
}
