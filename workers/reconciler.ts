/**
 * The safety net for pipeline jobs: every few seconds, for each camera that has leases,
 * make sure this process consumes its queue (a camera-wanted signal may have been lost)
 * and its pipeline job exists (adding it is idempotent: fixed job id). It catches a lease
 * taken just as a holder decided to stop, and a job that failed. Then it closes the
 * consumers of cameras no longer wanted (CameraDemand.sweep), and ends the HLS sessions
 * whose lease lapsed, so the session index never keeps them. With no camera leased a pass
 * costs a few Redis commands, whatever the number of registered cameras.
 */
import type { HlsSessionStore } from "../src/state/hls-session-store.ts";
import type { LeaseStore } from "../src/state/lease-store.ts";
import type { Logger } from "../src/log.ts";
import type { CameraDemand } from "./camera-demand.ts";
import type { CameraQueues } from "./camera-queues.ts";

/** Leased cameras a pass works on at once. */
const PASS_CONCURRENCY = 16;

/** Periodically re-adds pipeline jobs of leased cameras. */
export class Reconciler {
  private timer: ReturnType<typeof setInterval> | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly leases: LeaseStore,
    private readonly sessions: HlsSessionStore,
    private readonly cameraQueues: CameraQueues,
    private readonly demand: CameraDemand,
    private readonly log: Logger,
    private readonly everyMs = 3000,
  ) {}

  /** Starts the periodic check. */
  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.once().finally(() => (this.running = undefined));
    }, this.everyMs);
  }

  /**
   * One pass over leased cameras, up to PASS_CONCURRENCY at once: a busy process (many
   * holders) answers each round trip late, and one camera after the other made a pass over
   * 50 newly leased cameras take 12 s (measured, test/bench/idle-cameras.ts).
   */
  async once(): Promise<void> {
    try {
      await this.sessions.pruneLapsed();
      const leased = await this.leases.leasedCameras();
      let next = 0;
      const lane = async () => {
        while (next < leased.length) await this.reconcile(leased[next++]!);
      };
      await Promise.all(Array.from({ length: Math.min(PASS_CONCURRENCY, leased.length) }, lane));
      await this.demand.sweep();
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, "reconciler pass failed");
    }
  }

  /** One leased camera: consumed and its job there while it has leases, else forgotten. */
  private async reconcile(cameraId: string): Promise<void> {
    try {
      const { total } = await this.leases.count(cameraId);
      if (total > 0) {
        await this.demand.want(cameraId);
        await this.cameraQueues.wantPipeline(cameraId);
      } else await this.leases.forgetIfEmpty(cameraId);
    } catch (err) {
      this.log.warn({ err: (err as Error).message, camera: cameraId }, "reconciler: camera skipped this pass");
    }
  }

  /** Stops the periodic check and waits for a pass under way. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
