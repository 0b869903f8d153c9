/**
 * How long finished jobs of the request queues (`stream-start`, `snapshot`, `webrtc-offer`,
 * `record`) stay in Redis: long enough to be looked at in Bull Board, not longer. The API
 * has its answer the moment a job finishes; nothing reads the job afterwards.
 *
 * BullMQ applies an age limit only when another job of the same queue finishes
 * (`removeOnComplete: { age }` is checked inside moveToFinished), so a queue that goes quiet
 * would keep its last jobs forever: every worker also sweeps the request queues every
 * FINISHED_SWEEP_EVERY_MS (`Queue.clean`), which removes them once they are past the age.
 */
import { Queue, type JobsOptions } from "bullmq";
import type Redis from "ioredis";
import { RECORD_QUEUE, SNAPSHOT_QUEUE, STREAM_START_QUEUE, WEBRTC_OFFER_QUEUE } from "./names.ts";

/** How long a finished job is kept, per state, in seconds. */
export interface FinishedJobRetention {
  /** Completed jobs, s. */
  readonly completedS: number;
  /** Failed jobs (kept longer: their reason is what one looks for), s. */
  readonly failedS: number;
}

/** The retention of request jobs: completed 60 s, failed 300 s. */
export const FINISHED_JOB_RETENTION: FinishedJobRetention = { completedS: 60, failedS: 300 };

/** However young, at most this many finished jobs per state and queue (a burst of requests). */
const MAX_KEPT = 1000;

/** How often each worker sweeps finished jobs past their age out of quiet queues, ms. */
export const FINISHED_SWEEP_EVERY_MS = 30_000;

/** The request queues whose finished jobs are swept. */
export const REQUEST_QUEUES = [STREAM_START_QUEUE, SNAPSHOT_QUEUE, WEBRTC_OFFER_QUEUE, RECORD_QUEUE] as const;

/** Job options of a request or scheduled job: one attempt, finished jobs kept by `retention`. */
export function finishedJobOptions(retention: FinishedJobRetention = FINISHED_JOB_RETENTION): JobsOptions {
  return {
    removeOnComplete: { age: retention.completedS, count: MAX_KEPT },
    removeOnFail: { age: retention.failedS, count: MAX_KEPT },
    attempts: 1,
  };
}

/**
 * Removes the queue's completed jobs older than `retention.completedS` and failed ones older
 * than `retention.failedS` (by the time they finished).
 * @returns how many jobs it removed
 */
export async function sweepFinishedJobs(queue: Queue, retention: FinishedJobRetention = FINISHED_JOB_RETENTION): Promise<number> {
  const completed = await queue.clean(retention.completedS * 1000, MAX_KEPT, "completed");
  const failed = await queue.clean(retention.failedS * 1000, MAX_KEPT, "failed");
  return completed.length + failed.length;
}

/** A running periodic sweep. */
export interface FinishedJobSweep {
  /** Stops the timer, waits for a sweep under way and closes the queues (not the connection). */
  stop(): Promise<void>;
}

/**
 * Sweeps `queues` every `everyMs` ms on `redis` (shared; not closed by `stop`).
 * @param onError told about a failed pass (the next one tries again)
 */
export function startFinishedJobSweep(
  redis: Redis,
  prefix: string,
  onError: (err: Error) => void,
  queues: readonly string[] = REQUEST_QUEUES,
  everyMs = FINISHED_SWEEP_EVERY_MS,
  retention: FinishedJobRetention = FINISHED_JOB_RETENTION,
): FinishedJobSweep {
  const open = queues.map((name) => new Queue(name, { connection: redis, prefix }));
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    running ??= Promise.all(open.map((q) => sweepFinishedJobs(q, retention)))
      .then(
        () => {},
        (err: unknown) => onError(err instanceof Error ? err : new Error(String(err))),
      )
      .finally(() => (running = undefined));
  }, everyMs);
  return {
    async stop() {
      clearInterval(timer);
      await running;
      await Promise.all(open.map((q) => q.close()));
    },
  };
}
