/**
 * Which camera queues this worker process consumes: those of wanted cameras only. A camera
 * is wanted while it has leases or its pipeline job exists (waiting, active or delayed). A
 * queue's consumer is a BullMQ Worker (a blocking Redis connection and a stalled-job check
 * every few seconds), so consuming every registered camera's queue made idle cameras cost
 * connections and commands; now an idle camera costs nothing.
 *
 * A consumer starts when the camera-wanted signal arrives (a new lease, a pipeline job
 * added: src/state/camera-wanted.ts) or when the reconciler finds the camera leased; it
 * closes once the camera has not been wanted for `idleCloseMs` and its pipeline job has
 * ended. Every worker process that may hold a wanted camera consumes its queue, so a dead
 * holder's job is taken over as before (the stalled-job check of the others).
 */
import type Redis from "ioredis";
import type { Logger } from "../src/log.ts";
import { cameraQueueConsumers } from "../src/metrics.ts";
import { cameraWantedChannel } from "../src/state/camera-wanted.ts";
import type { Keys } from "../src/state/keys.ts";
import type { CameraQueues } from "./camera-queues.ts";

/** Timing of a worker's camera demand. */
export interface CameraDemandOptions {
  /**
   * A consumer stays this long after its camera was last wanted (and as long as its
   * pipeline job exists), ms.
   * @defaultValue 10000
   */
  readonly idleCloseMs?: number;
}

/** Starts and closes this process's camera queue consumers as cameras become wanted and unwanted. */
export class CameraDemand {
  /** Epoch ms at which each consumed camera was last known wanted. */
  private readonly lastWanted = new Map<string, number>();
  private subscriber: Redis | undefined;
  private readonly idleCloseMs: number;

  /** @param redis duplicated once for the signal's subscription */
  constructor(
    private readonly queues: CameraQueues,
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly log: Logger,
    opts: CameraDemandOptions = {},
  ) {
    this.idleCloseMs = opts.idleCloseMs ?? 10_000;
    if (!(this.idleCloseMs >= 0)) throw new TypeError(`idleCloseMs must be >= 0, got ${this.idleCloseMs}`);
  }

  /** Listens for the camera-wanted signal (on a connection of its own). */
  async start(): Promise<void> {
    const sub = this.redis.duplicate();
    this.subscriber = sub;
    sub.on("message", (_channel: string, cameraId: string) => {
      this.want(cameraId).catch((err) => this.log.warn({ err: (err as Error).message, camera: cameraId }, "camera demand: could not consume the queue"));
    });
    await sub.subscribe(cameraWantedChannel(this.keys));
  }

  /** The camera is wanted now: consume its queue unless this worker's tags forbid it. */
  async want(cameraId: string, now = Date.now()): Promise<void> {
    this.lastWanted.set(cameraId, now);
    await this.queues.ensure(cameraId);
    cameraQueueConsumers.set(this.queues.cameraIds().length);
  }

  /**
   * Closes the consumers of cameras not wanted for `idleCloseMs` whose pipeline job has
   * ended (one EXISTS per such camera; none for cameras wanted meanwhile). A consumer
   * started by something else (a registry change, a pipeline job added here) gets
   * `idleCloseMs` from the first sweep that sees it.
   */
  async sweep(now = Date.now()): Promise<void> {
    for (const cameraId of this.queues.cameraIds()) {
      const last = this.lastWanted.get(cameraId);
      if (last === undefined) {
        this.lastWanted.set(cameraId, now);
        continue;
      }
      if (now - last < this.idleCloseMs) continue;
      if (await this.queues.hasPipelineJob(cameraId)) {
        this.lastWanted.set(cameraId, now);
        continue;
      }
      this.lastWanted.delete(cameraId);
      await this.queues.release(cameraId);
      this.log.debug({ camera: cameraId }, "camera demand: queue no longer consumed");
    }
    for (const cameraId of this.lastWanted.keys()) if (!this.queues.consumes(cameraId)) this.lastWanted.delete(cameraId);
    cameraQueueConsumers.set(this.queues.cameraIds().length);
  }

  /** Stops listening; the consumers themselves are closed with the camera queues. */
  async stop(): Promise<void> {
    this.subscriber?.disconnect();
    this.subscriber = undefined;
  }
}
