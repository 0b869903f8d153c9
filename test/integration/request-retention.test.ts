/**
 * Finished request jobs do not pile up in Redis (queues/finished-jobs.ts): each one is added
 * with an age limit per state, and the sweep every worker runs removes those past it even
 * when their queue has gone quiet (BullMQ applies the age only when another job finishes).
 * Real Redis, the API's RequestQueue and a worker's request Worker, with a retention of
 * 1 s (completed) and 2 s (failed) instead of 60 s and 300 s.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { UnrecoverableError } from "bullmq";
import Redis from "ioredis";
import { FINISHED_JOB_RETENTION, REQUEST_QUEUES, sweepFinishedJobs, type FinishedJobRetention } from "../../queues/finished-jobs.ts";
import { encodeDomainError } from "../../queues/job-errors.ts";
import { RequestQueue } from "../../queues/request-queue.ts";
import { NotFoundError } from "../../src/errors.ts";
import { createLogger } from "../../src/log.ts";
import { startRequestWorker, type RequestWorker } from "../../workers/request-worker.ts";
import { testPrefix, TEST_REDIS_URL } from "../support/camserver.ts";

const RETENTION: FinishedJobRetention = { completedS: 1, failedS: 2 };
const QUEUE = "retention-probe";
const prefix = testPrefix("retention");
const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
let requests: RequestQueue<{ fail: boolean }, { ok: true }>;
let worker: RequestWorker;

beforeAll(async () => {
  requests = new RequestQueue(QUEUE, redis, prefix, RETENTION);
  await requests.ready();
  worker = startRequestWorker<{ fail: boolean }, { ok: true }>(
    QUEUE,
    async (job) => {
      if (job.data.fail) throw new UnrecoverableError(encodeDomainError(new NotFoundError("camera x not found")));
      return { ok: true };
    },
    redis,
    prefix,
    createLogger("warn"),
  );
});
afterAll(async () => {
  await worker?.close();
  await requests?.close();
  redis.disconnect();
});

/** Keys of finished jobs: the job hashes (`<queue>:<id>`, `<queue>:<id>:logs` ...) and the finished sets. */
async function finishedKeys(): Promise<string[]> {
  const keys = await redis.keys(`${prefix}:${QUEUE}:*`);
  return keys.filter((k) => /:\d+(:|$)|:(completed|failed)$/.test(k.slice(prefix.length)));
}

describe("finished request jobs", () => {
  it("keep a short retention by age, 60 s completed and 300 s failed by default", () => {
    expect(FINISHED_JOB_RETENTION).toEqual({ completedS: 60, failedS: 300 });
    expect(REQUEST_QUEUES).toEqual(["stream-start", "snapshot", "webrtc-offer", "record"]);
  });

  it("stay visible while young, then leave a quiet queue at their age once swept", async () => {
    expect(await requests.request("probe", { fail: false }, 5000, {})).toEqual({ ok: true });
    await expect(requests.request("probe", { fail: true }, 5000, {})).rejects.toBeInstanceOf(NotFoundError);
    const t0 = Date.now();
    const [completed, failed] = await Promise.all([requests.queue.getCompleted(), requests.queue.getFailed()]);
    expect(completed).toHaveLength(1);
    expect(failed).toHaveLength(1);
    expect(completed[0]!.opts.removeOnComplete).toEqual({ age: 1, count: 1000 });
    expect(failed[0]!.opts.removeOnFail).toEqual({ age: 2, count: 1000 });

    // Young jobs stay (Bull Board shows them).
    expect(await sweepFinishedJobs(requests.queue, RETENTION)).toBe(0);
    // No other job finishes: BullMQ alone would keep both for ever; the sweep removes each at its age.
    await Bun.sleep(1100 - (Date.now() - t0));
    expect(await sweepFinishedJobs(requests.queue, RETENTION)).toBe(1);
    expect(await requests.queue.getCompletedCount()).toBe(0);
    expect(await requests.queue.getFailedCount()).toBe(1);
    await Bun.sleep(2100 - (Date.now() - t0));
    expect(await sweepFinishedJobs(requests.queue, RETENTION)).toBe(1);
    expect(await finishedKeys()).toEqual([]);
  });

  it("are removed at their age when the next job of the queue finishes", async () => {
    await requests.request("probe", { fail: false }, 5000, {});
    await Bun.sleep(1100);
    await requests.request("probe", { fail: false }, 5000, {});
    expect(await requests.queue.getCompletedCount()).toBe(1);
  });
});
