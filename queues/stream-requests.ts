/**
 * Producer for stream requests: what the API calls to start an HLS stream.
 */
import type Redis from "ioredis";
import { STREAM_START_QUEUE } from "./names.ts";
import type { StreamStartJob, StreamStartResult } from "./payloads.ts";
import { RequestQueue } from "./request-queue.ts";

/** Enqueues `stream-start` jobs and waits for their results. */
export class StreamRequests extends RequestQueue<StreamStartJob, StreamStartResult> {
  constructor(redis: Redis, prefix: string) {
    super(STREAM_START_QUEUE, redis, prefix);
  }

  /**
   * Starts (or extends) the camera's HLS session and waits until its playlist has a segment.
   * @throws the DomainError the worker reported (NotFoundError, CameraUnreachableError, CameraTimeoutError)
   */
  start(cameraId: string, timeoutMs: number): Promise<StreamStartResult> {
    return this.request("stream-start", { cameraId }, timeoutMs);
  }
}
