/**
 * One BullMQ queue per camera, global concurrency 1, and this process's Worker on each:
 * the queue runs the camera's single pipeline job. Every worker process that may hold a
 * camera consumes its queue while the camera is wanted (leases or a pipeline job;
 * workers/camera-demand.ts), so a job stalled by a dead worker is taken over by another
 * one, and a camera nobody wants costs no Worker. A camera may require a worker tag
 * (`worker_tag`, e.g. the host that has its shm
 * ring): then only workers whose WORKER_TAGS include it consume its queue; the others still
 * add its pipeline job (any worker answers requests) and leave it to those that may.
 */
import { Queue, Worker, type Processor } from "bullmq";
import type Redis from "ioredis";
import { cameraQueueName, pipelineJobId } from "../queues/names.ts";
import { forgetCameraMetrics } from "../src/camera-metrics.ts";
import { workerMayTake } from "../src/cameras/worker-tag.ts";
import { publishCameraWanted } from "../src/state/camera-wanted.ts";
import { Keys } from "../src/state/keys.ts";
import type { PipelineJob } from "../queues/payloads.ts";

/** Lock and stall timing of pipeline jobs (set stalledInterval explicitly: the default took 52 s to hand a dead worker's job on). */
export const PIPELINE_WORKER_TIMING = {
  /** A dead holder's job lock lapses after this, ms. */
  lockDuration: 6000,
  /** How often workers look for stalled jobs, ms. */
  stalledInterval: 3000,
  /** A pipeline job survives any number of worker deaths. */
  maxStalledCount: 1_000_000,
} as const;

/** Which cameras this process may hold. */
export interface QueuePlacement {
  /** This worker's tags (WORKER_TAGS). @defaultValue [] */
  readonly workerTags: readonly string[];
  /** The tag a camera requires (null: any worker), read when `ensure` is not told it. */
  readonly requiredTag: (cameraId: string) => Promise<string | null>;
}

/** The camera queues and Workers of one process. */
export class CameraQueues {
  private readonly queues = new Map<string, Queue<PipelineJob>>();
  private readonly workers = new Map<string, { worker: Worker<PipelineJob> }>();
  /** Last known required tag per camera. */
  private readonly tags = new Map<string, string | null>();

  /** @param placement absent: this process consumes every camera's queue */
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly processor: Processor<PipelineJob>,
    private readonly placement?: QueuePlacement,
  ) {}

  /**
   * Makes sure this process has the camera's queue and consumes it if its tags allow.
   * @param requiredTag the camera's `worker_tag` when the caller just read it (a registry
   *   change); absent: the last known one, or `placement.requiredTag` the first time.
   *   A camera whose tag no longer allows this worker is not taken here again; a job it
   *   runs now goes on until its holder ends.
   */
  async ensure(cameraId: string, requiredTag?: string | null): Promise<Queue<PipelineJob>> {
    let queue = this.queues.get(cameraId);
    if (!queue) {
      queue = new Queue<PipelineJob>(cameraQueueName(cameraId), { connection: this.redis, prefix: this.prefix });
      this.queues.set(cameraId, queue);
      await queue.setGlobalConcurrency(1);
    }
    if (requiredTag !== undefined) this.tags.set(cameraId, requiredTag);
    else if (!this.tags.has(cameraId)) this.tags.set(cameraId, this.placement ? await this.placement.requiredTag(cameraId) : null);
    const mayTake = workerMayTake(this.placement?.workerTags ?? [], this.tags.get(cameraId) ?? null);
    if (mayTake && !this.workers.has(cameraId)) this.consume(cameraId);
    if (!mayTake) void this.stopConsuming(cameraId);
    return queue;
  }

  /** Whether this process consumes the camera's queue now. */
  consumes(cameraId: string): boolean {
    return this.workers.has(cameraId);
  }

  private consume(cameraId: string): void {
    // The shared connection for non-blocking commands; BullMQ duplicates it for the blocking
    // fetch (and closes that): one connection per consumed queue.
    const worker = new Worker<PipelineJob>(cameraQueueName(cameraId), this.processor, {
      connection: this.redis,
      prefix: this.prefix,
      concurrency: 1,
      ...PIPELINE_WORKER_TIMING,
    });
    worker.on("error", () => {
      // Connection errors are retried by ioredis; the job lock logic handles the rest.
    });
    this.workers.set(cameraId, { worker });
  }

  private async stopConsuming(cameraId: string): Promise<void> {
    const entry = this.workers.get(cameraId);
    if (!entry) return;
    this.workers.delete(cameraId);
    await entry.worker.close().catch(() => undefined);
  }

  /**
   * Adds the camera's pipeline job unless it exists (fixed job id). A job added here
   * publishes the camera-wanted signal, so every worker that may hold the camera consumes
   * its queue (workers/camera-demand.ts).
   */
  async wantPipeline(cameraId: string): Promise<void> {
    const queue = await this.ensure(cameraId);
    if (await this.hasPipelineJob(cameraId)) return;
    await queue.add("pipeline", { cameraId }, { jobId: pipelineJobId(cameraId), removeOnComplete: true, removeOnFail: true, attempts: 1 });
    await publishCameraWanted(this.redis, new Keys(this.prefix), cameraId);
  }

  /**
   * Whether the camera's pipeline job exists (waiting, active or delayed; ended jobs are
   * removed): one EXISTS of the job's hash, which BullMQ keeps at `<prefix>:<queue>:<job id>`.
   */
  async hasPipelineJob(cameraId: string): Promise<boolean> {
    return (await this.redis.exists(`${this.prefix}:${cameraQueueName(cameraId)}:${pipelineJobId(cameraId)}`)) === 1;
  }

  /** Stops consuming the queue of a camera nobody wants any more (its queue and tag are kept). */
  async release(cameraId: string): Promise<void> {
    await this.stopConsuming(cameraId);
  }

  /** Stops consuming a deleted camera's queue and removes the queue. */
  async forget(cameraId: string): Promise<void> {
    const entry = this.workers.get(cameraId);
    this.workers.delete(cameraId);
    this.tags.delete(cameraId);
    const queue = this.queues.get(cameraId);
    this.queues.delete(cameraId);
    await entry?.worker.close();
    await queue?.close();
  }

  /**
   * A deleted camera: stops consuming its queue, waits (up to `waitMs`) until its pipeline
   * job has ended wherever it ran (the holder ends on the stop request that a delete
   * sets), then obliterates the queue's keys in Redis and drops the camera's metric series.
   * Every worker process does this; the second obliteration finds nothing.
   * @param stillDeleted asked before anything is removed: a camera created again under the
   *   same id meanwhile keeps its queue
   */
  async remove(cameraId: string, stillDeleted: () => Promise<boolean>, waitMs = 15_000): Promise<void> {
    await this.forget(cameraId);
    const queue = new Queue<PipelineJob>(cameraQueueName(cameraId), { connection: this.redis, prefix: this.prefix });
    try {
      const deadline = Date.now() + waitMs;
      while ((await queue.getJobState(pipelineJobId(cameraId))) === "active" && Date.now() < deadline) await Bun.sleep(250);
      if (!(await stillDeleted())) return;
      await queue.obliterate({ force: true });
    } finally {
      await queue.close();
    }
    await forgetCameraMetrics(cameraId);
  }

  /** Camera ids this process consumes. */
  cameraIds(): string[] {
    return [...this.workers.keys()];
  }

  /** Closes every Worker (waiting for running jobs, which the caller has aborted) and queue. */
  async close(): Promise<void> {
    await Promise.all([...this.queues.keys()].map((id) => this.forget(id)));
  }
}
