/**
 * Producer for snapshots: one-off requests from the API, and each camera's periodic
 * polling as a BullMQ job scheduler on the same queue (visible in Bull Board).
 */
import type Redis from "ioredis";
import { finishedJobOptions } from "./finished-jobs.ts";
import { pollSchedulerId, SNAPSHOT_QUEUE } from "./names.ts";
import type { SnapshotJob, SnapshotResult } from "./payloads.ts";
import { RequestQueue } from "./request-queue.ts";

/** Enqueues snapshot jobs and manages polling schedulers. */
export class SnapshotRequests extends RequestQueue<SnapshotJob, SnapshotResult> {
  constructor(redis: Redis, prefix: string) {
    super(SNAPSHOT_QUEUE, redis, prefix);
  }

  /**
   * Takes a snapshot and waits for it (the JPEG is then in SnapshotStore).
   * @param maxAgeMs accept a JPEG this young without decoding again
   * @throws NotFoundError, CameraUnreachableError (502), CameraTimeoutError (504)
   */
  take(cameraId: string, maxAgeMs: number | undefined, timeoutMs: number): Promise<SnapshotResult> {
    return this.request("snapshot", maxAgeMs === undefined ? { cameraId } : { cameraId, maxAgeMs }, timeoutMs);
  }

  /** Polls the camera every `intervalS` seconds (a job scheduler); 0 removes the scheduler. */
  async schedulePolling(cameraId: string, intervalS: number): Promise<void> {
    const id = pollSchedulerId(cameraId);
    if (intervalS <= 0) {
      await this.queue.removeJobScheduler(id);
      return;
    }
    await this.queue.upsertJobScheduler(
      id,
      { every: intervalS * 1000 },
      {
        name: "snapshot-poll",
        data: { cameraId, poll: true },
        // Kept like request jobs (queues/finished-jobs.ts).
        opts: finishedJobOptions(),
      },
    );
  }
}
