/**
 * Producer for stream requests: what the API calls to start an HLS stream.
 */
import { Queue, QueueEvents } from "bullmq";
import type Redis from "ioredis";
import { DomainError } from "../src/errors.ts";
import { decodeJobError } from "./job-errors.ts";
import { STREAM_START_QUEUE } from "./names.ts";
import type { StreamStartJob, StreamStartResult } from "./payloads.ts";

/** Enqueues `stream-start` jobs and waits for their results. */
export class StreamRequests {
  private readonly queue: Queue<StreamStartJob, StreamStartResult>;
  private readonly events: QueueEvents;

  constructor(redis: Redis, prefix: string) {
    this.queue = new Queue(STREAM_START_QUEUE, { connection: redis, prefix });
    this.events = new QueueEvents(STREAM_START_QUEUE, { connection: redis.duplicate(), prefix });
  }

  /** Resolves once QueueEvents listens, so no result is missed. */
  async ready(): Promise<void> {
    await this.events.waitUntilReady();
  }

  /**
   * Starts (or extends) the camera's HLS session and waits until its playlist has a segment.
   * @param timeoutMs how long to wait for the worker's answer
   * @throws the DomainError the worker reported (NotFoundError, CameraUnreachableError, CameraTimeoutError)
   */
  async start(cameraId: string, timeoutMs: number): Promise<StreamStartResult> {
    const job = await this.queue.add("stream-start", { cameraId }, { removeOnComplete: 1000, removeOnFail: 1000, attempts: 1 });
    try {
      return await job.waitUntilFinished(this.events, timeoutMs);
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      if (msg.includes("timed out before finishing")) throw new DomainError(`stream start for camera ${cameraId} took longer than ${timeoutMs} ms`);
      throw decodeJobError(msg);
    }
  }

  /** The request queue, for Bull Board. */
  get bullQueue(): Queue {
    return this.queue;
  }

  async close(): Promise<void> {
    await this.events.close();
    await this.events.disconnect();
    await this.queue.close();
  }
}
