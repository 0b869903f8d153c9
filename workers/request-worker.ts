/**
 * A BullMQ Worker for a request queue (stream-start, snapshot, webrtc-offer) on its own
 * blocking connection, with the lock timing that lets another worker retry a request whose
 * worker died within about 12 s (measured: the defaults took 52 s).
 */
import { Worker, type Processor } from "bullmq";
import type Redis from "ioredis";
import type { Logger } from "../src/log.ts";
import { queueWaitSeconds } from "../src/metrics.ts";

/** Lock timing of request jobs, ms. */
export const REQUEST_WORKER_TIMING = { lockDuration: 8000, stalledInterval: 4000 } as const;

/** A running request worker. */
export interface RequestWorker {
  close(): Promise<void>;
}

/**
 * Consumes `queue` with `processor`, up to `concurrency` jobs at once.
 * @param redis the shared connection, for the Worker's non-blocking commands; BullMQ makes
 *   (and closes) the duplicate its blocking fetch needs, so a Worker costs one connection
 */
export function startRequestWorker<D, R>(
  queue: string,
  processor: Processor<D, R>,
  redis: Redis,
  prefix: string,
  log: Logger,
  concurrency = 50,
): RequestWorker {
  // Three parameters: BullMQ passes its AbortSignal only to a processor that declares them.
  const timed: Processor<D, R> = (job, token, signal) => {
    // A scheduled job (snapshot polling) is due at its timestamp plus its delay.
    queueWaitSeconds.observe({ queue }, Math.max(0, Date.now() - job.timestamp - (job.delay ?? 0)) / 1000);
    return processor(job, token, signal);
  };
  const worker = new Worker<D, R>(queue, timed, { connection: redis, prefix, concurrency, ...REQUEST_WORKER_TIMING });
  worker.on("error", (err) => log.warn({ err: err.message, queue }, "request worker error"));
  return {
    async close() {
      await worker.close();
    },
  };
}
