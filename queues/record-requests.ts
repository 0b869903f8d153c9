/**
 * Producer for recordings: start and stop requests from the API (waiting for the worker's
 * answer), each camera's continuous or scheduled recording as a BullMQ job scheduler
 * ("ensure" jobs), and the maintenance scheduler (retention, vanished recorders), all on
 * the `record` queue, so every one is visible in Bull Board.
 */
import type Redis from "ioredis";
import type { RecordMode } from "../src/recordings/recording-settings.ts";
import { finishedJobOptions } from "./finished-jobs.ts";
import { RECORD_MAINTENANCE_SCHEDULER_ID, RECORD_QUEUE, recordSchedulerId } from "./names.ts";
import type { RecordJob, RecordResult, RecordStartJob } from "./payloads.ts";
import { RequestQueue } from "./request-queue.ts";

/** How often a continuous recording is checked (and restarted if it died), ms. */
export const CONTINUOUS_CHECK_MS = 30_000;
/** How often maintenance runs, ms. */
export const MAINTENANCE_EVERY_MS = 60_000;

/** Scheduled jobs (ensure, maintain) are kept like request jobs (queues/finished-jobs.ts). */
const SCHEDULED = finishedJobOptions();

/** Enqueues `record` jobs and manages their schedulers. */
export class RecordRequests extends RequestQueue<RecordJob, RecordResult> {
  constructor(redis: Redis, prefix: string) {
    super(RECORD_QUEUE, redis, prefix);
  }

  /**
   * Starts a recording and waits until its first frames are on disk (or it failed).
   * @throws NotFoundError (camera), ConflictError (exclusive and already recording),
   *   CameraUnreachableError (502), CameraTimeoutError (504), StorageError (507)
   */
  start(o: Omit<RecordStartJob, "kind">, timeoutMs: number): Promise<RecordResult> {
    return this.request("start", { kind: "start", ...o }, timeoutMs);
  }

  /**
   * Stops a recording and waits until its recorder wrote its last segment.
   * @throws NotFoundError, ConflictError (not running)
   */
  stop(recordingId: string, timeoutMs: number): Promise<RecordResult> {
    return this.request("stop", { kind: "stop", recordingId }, timeoutMs);
  }

  /**
   * Sets a camera's recording scheduler: `continuous` checks every 30 s (and at once),
   * `schedule` fires at every minute its cron expression matches (local time), `off`
   * removes it. A running recording of the camera is not stopped here.
   */
  async scheduleCamera(cameraId: string, mode: RecordMode, cron: string | null): Promise<void> {
    const id = recordSchedulerId(cameraId);
    if (mode === "off") {
      await this.queue.removeJobScheduler(id);
      return;
    }
    const repeat = mode === "continuous" ? { every: CONTINUOUS_CHECK_MS } : { pattern: cron! };
    await this.queue.upsertJobScheduler(id, repeat, { name: "ensure", data: { kind: "ensure", cameraId }, opts: SCHEDULED });
    if (mode === "continuous") await this.queue.add("ensure", { kind: "ensure", cameraId }, SCHEDULED);
  }

  /** Makes sure maintenance runs every minute (idempotent: every worker calls it at start). */
  async scheduleMaintenance(): Promise<void> {
    await this.queue.upsertJobScheduler(
      RECORD_MAINTENANCE_SCHEDULER_ID,
      { every: MAINTENANCE_EVERY_MS },
      { name: "maintain", data: { kind: "maintain" }, opts: SCHEDULED },
    );
  }
}
