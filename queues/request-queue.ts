/**
 * A request queue as the API uses it: add a job, wait for its result, get the worker's
 * domain error back as the same class (so the API answers 404, 502, 504 ...).
 */
import { Queue, QueueEvents, type JobsOptions } from "bullmq";
import type Redis from "ioredis";
import { DomainError } from "../src/errors.ts";
import { FINISHED_JOB_RETENTION, finishedJobOptions, type FinishedJobRetention } from "./finished-jobs.ts";
import { decodeJobError } from "./job-errors.ts";

/** Producer of one request queue. */
export class RequestQueue<Data, Result> {
  readonly queue: Queue<Data, Result>;
  private readonly events: QueueEvents;
  /** Options of every job it adds: one attempt, finished jobs kept as queues/finished-jobs.ts says. */
  private readonly jobOptions: JobsOptions;

  /** @param retention how long its finished jobs stay (seconds per state); the default outside tests */
  constructor(
    readonly name: string,
    redis: Redis,
    prefix: string,
    retention: FinishedJobRetention = FINISHED_JOB_RETENTION,
  ) {
    this.jobOptions = finishedJobOptions(retention);
    this.queue = new Queue<Data, Result>(name, { connection: redis, prefix });
    // QueueEvents reads with XREAD BLOCK on a duplicate of its own (BullMQ makes and closes it).
    this.events = new QueueEvents(name, { connection: redis, prefix });
  }

  /** Resolves once results can be heard, so none is missed. */
  async ready(): Promise<void> {
    await this.events.waitUntilReady();
  }

  /**
   * Adds a job and waits for its result.
   * @param timeoutMs how long to wait for a worker's answer
   * @throws the DomainError the worker reported; DomainError (500) after `timeoutMs`
   */
  async request(jobName: string, data: Data, timeoutMs: number, opts: JobsOptions = {}): Promise<Result> {
    const job = await this.queue.add(jobName as never, data as never, { ...this.jobOptions, ...opts });
    try {
      return (await job.waitUntilFinished(this.events, timeoutMs)) as Result;
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      if (msg.includes("timed out before finishing")) throw new DomainError(`${jobName} took longer than ${timeoutMs} ms`);
      throw decodeJobError(msg);
    }
  }

  /** Closes the queue and its event listener. */
  async close(): Promise<void> {
    await this.events.close();
    await this.queue.close();
  }
}
