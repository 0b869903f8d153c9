/**
 * One BullMQ queue per camera, global concurrency 1, and this process's Worker on each:
 * the queue runs the camera's single pipeline job. Every worker process consumes every
 * camera's queue, so a job stalled by a dead worker is taken over by another one.
 */
import { Queue, Worker, type Processor } from "bullmq";
import type Redis from "ioredis";
import { cameraQueueName, pipelineJobId } from "../queues/names.ts";
import { forgetCameraMetrics } from "../src/camera-metrics.ts";
import type { PipelineJob } from "../queues/payloads.ts";

/** Lock and stall timing of pipeline jobs (STACK-NOTES: set stalledInterval explicitly). */
export const PIPELINE_WORKER_TIMING = {
  /** A dead holder's job lock lapses after this, ms. */
  lockDuration: 6000,
  /** How often workers look for stalled jobs, ms. */
  stalledInterval: 3000,
  /** A pipeline job survives any number of worker deaths. */
  maxStalledCount: 1_000_000,
} as const;

/** The camera queues and Workers of one process. */
export class CameraQueues {
  private readonly queues = new Map<string, Queue<PipelineJob>>();
  private readonly workers = new Map<string, { worker: Worker<PipelineJob>; conn: Redis }>();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly processor: Processor<PipelineJob>,
  ) {}

  /** Makes sure this process has the camera's queue and consumes it. */
  async ensure(cameraId: string): Promise<Queue<PipelineJob>> {
    let queue = this.queues.get(cameraId);
    if (queue) return queue;
    queue = new Queue<PipelineJob>(cameraQueueName(cameraId), { connection: this.redis, prefix: this.prefix });
    this.queues.set(cameraId, queue);
    await queue.setGlobalConcurrency(1);
    const conn = this.redis.duplicate();
    const worker = new Worker<PipelineJob>(cameraQueueName(cameraId), this.processor, {
      connection: conn,
      prefix: this.prefix,
      concurrency: 1,
      ...PIPELINE_WORKER_TIMING,
    });
    worker.on("error", () => {
      // Connection errors are retried by ioredis; the job lock logic handles the rest.
    });
    this.workers.set(cameraId, { worker, conn });
    return queue;
  }

  /** Adds the camera's pipeline job unless it exists (fixed job id). */
  async wantPipeline(cameraId: string): Promise<void> {
    const queue = await this.ensure(cameraId);
    await queue.add("pipeline", { cameraId }, { jobId: pipelineJobId(cameraId), removeOnComplete: true, removeOnFail: true, attempts: 1 });
  }

  /** Stops consuming a deleted camera's queue and removes the queue. */
  async forget(cameraId: string): Promise<void> {
    const entry = this.workers.get(cameraId);
    this.workers.delete(cameraId);
    const queue = this.queues.get(cameraId);
    this.queues.delete(cameraId);
    await entry?.worker.close();
    entry?.conn.disconnect();
    await queue?.close();
  }

  /**
   * A deleted camera: stops consuming its queue, waits (up to `waitMs`) until its pipeline
   * job has ended wherever it ran (the holder ends on the stop request that a delete
   * sets), then obliterates the queue's keys in Redis and drops the camera's metric series.
   * Every worker process does this; the second obliteration finds nothing.
   */
  async remove(cameraId: string, waitMs = 15_000): Promise<void> {
    await this.forget(cameraId);
    const queue = new Queue<PipelineJob>(cameraQueueName(cameraId), { connection: this.redis, prefix: this.prefix });
    try {
      const deadline = Date.now() + waitMs;
      while ((await queue.getJobState(pipelineJobId(cameraId))) === "active" && Date.now() < deadline) await Bun.sleep(250);
      await queue.obliterate({ force: true });
    } finally {
      await queue.close();
    }
    await forgetCameraMetrics(cameraId);
  }

  /** Camera ids this process consumes. */
  cameraIds(): string[] {
    return [...this.queues.keys()];
  }

  /** Closes every Worker (waiting for running jobs, which the caller has aborted) and queue. */
  async close(): Promise<void> {
    await Promise.all(this.cameraIds().map((id) => this.forget(id)));
  }
}
