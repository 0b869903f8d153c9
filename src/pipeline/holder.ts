/**
 * The camera holder: the one place that holds a camera's upstream connection. It runs
 * inside the camera's pipeline job and follows MediaMTX's on-demand path states
 * (connecting, live, retrying, then closing after the grace period without leases):
 *
 * 1. take the fence (`SET NX PX`); while someone else holds it, wait;
 * 2. run source sessions while the camera has leases, reconnecting with backoff;
 * 3. every 250 ms refresh the fence (lost: stop the source at once) and read the leases,
 *    in one round trip shared by the worker's holders (`holder-tick.ts`), start or stop each
 *    output of the output table by its lease kind, publish the consumers when they change;
 * 4. when the camera's source settings changed (`announceSourceChange`), reload it through
 *    `reloadCamera` and start a new source session at once, outputs kept (a discontinuity);
 * 5. end when the camera had no lease for the grace period, on a stop request, on
 *    fence loss or when the worker shuts down.
 */
import type Redis from "ioredis";
import type { Logger } from "../log.ts";
import { consumerDroppedTotal, heldCameras } from "../metrics.ts";
import type { CameraStatusStore } from "../state/camera-status-store.ts";
import { Fence } from "../state/fence.ts";
import { HOLDER_TICK_MS, holderTick, holderTicksOf } from "../state/holder-tick.ts";
import type { Keys } from "../state/keys.ts";
import type { LeaseCount, LeaseStore } from "../state/lease-store.ts";
import type { HeldCamera, Output, OutputRow } from "./outputs/output.ts";
import { Pipeline } from "./pipeline.ts";
import { sleep } from "./source/backoff.ts";
import { SourceSupervisor } from "./source/source-supervisor.ts";

export type { HeldCamera } from "./outputs/output.ts";

/** Shared services a holder uses. */
export interface HolderDeps {
  readonly redis: Redis;
  readonly keys: Keys;
  readonly leases: LeaseStore;
  readonly status: CameraStatusStore;
  /** The output table (keyframes, WebRTC, HLS, recorder), built by the worker entry. */
  readonly outputs: readonly OutputRow[];
  /** This worker's id, written as the holder. */
  readonly workerId: string;
  /**
   * Reads the camera again after its source settings changed; absent = changes wait for the
   * next holder. Errors keep the running source (logged).
   */
  readonly reloadCamera?: (cameraId: string) => Promise<HeldCamera>;
  /** How long the pipeline outlives its last lease, ms. */
  readonly graceMs: number;
  readonly log: Logger;
}

/** Why a holder ended. */
export type HolderEnd = "idle" | "stopped" | "fence-lost" | "aborted";

/** Longest time between two writes of the consumers to the camera's status, ms. */
const STATUS_REFRESH_MS = 60_000;

/** A row's running output and the drops already counted in metrics. */
interface RunningOutput {
  readonly output: Output;
  countedDrops: number;
}

/** Holds one camera for as long as it has leases. */
export class CameraHolder {
  private readonly running = new Map<OutputRow, RunningOutput>();
  /** Epoch ms of the last tick at which each lingering row had a lease of its kind. */
  private readonly wantedAt = new Map<OutputRow, number>();

  constructor(
    private readonly deps: HolderDeps,
    private camera: HeldCamera,
  ) {}

  /**
   * Holds the camera until it is no longer wanted.
   * @param signal aborts on worker shutdown (the job is then handed to another worker)
   */
  async run(signal: AbortSignal): Promise<HolderEnd> {
    const { deps, camera } = this;
    const startedAt = Date.now();
    const fence = new Fence(deps.redis, deps.keys, camera.id, deps.workerId);
    let zeroSince: number | undefined;
    // Wait for the fence: a stalled job that BullMQ runs twice ends up here.
    while (!(await fence.acquire())) {
      if (signal.aborted) return "aborted";
      const { total } = await deps.leases.count(camera.id);
      zeroSince = total > 0 ? undefined : (zeroSince ?? Date.now());
      if (zeroSince !== undefined && Date.now() - zeroSince >= deps.graceMs) return "idle";
      await sleep(HOLDER_TICK_MS * 2, signal);
    }
    deps.log.info({ camera: camera.id }, "holder took the camera");
    heldCameras.inc();
    const pipeline = new Pipeline();
    let supervisor = new SourceSupervisor(deps, camera, pipeline);
    let sourceSeen = startedAt;
    let end: HolderEnd | undefined;
    let lastMembers = new Set<string>();
    try {
      await deps.status.write(camera.id, { holder: deps.workerId });
      let consumersWritten = "";
      let consumersWrittenAt = 0;
      // The first tick at once (outputs start without waiting), then on the worker's shared cadence.
      const ticks = holderTicksOf(deps.redis, deps.keys);
      let first = true;
      while (end === undefined) {
        const tick = first ? await holderTick(deps.redis, deps.keys, fence) : await ticks.next(fence, signal);
        first = false;
        if (!tick || signal.aborted) {
          end = "aborted";
          break;
        }
        if (!tick.fenceOwned) end = "fence-lost";
        else if (tick.stopRequestedAt >= startedAt) end = "stopped";
        if (!tick.fenceOwned || end !== undefined) break;
        const leases = tick.leases;
        // A new lease cuts a retry backoff short: a new member, not a higher count (one request's
        // lease may end in the same tick as the next one's arrives).
        if (tick.members.some((m) => !lastMembers.has(m))) supervisor.wake();
        lastMembers = new Set(tick.members);
        zeroSince = leases.total > 0 ? undefined : (zeroSince ?? Date.now());
        if (zeroSince !== undefined && Date.now() - zeroSince >= deps.graceMs) {
          end = "idle";
          break;
        }
        if (tick.sourceChangedAt > sourceSeen && deps.reloadCamera) {
          sourceSeen = tick.sourceChangedAt;
          supervisor = await this.switchSource(supervisor, pipeline);
        }
        supervisor.wanted = leases.total > 0;
        await this.steerOutputs(pipeline, leases);
        // The consumers reach the camera's status when they change, and at least every
        // STATUS_REFRESH_MS so that the status hash (an hour's TTL) outlives a steady camera.
        const consumers = JSON.stringify(leases.byKind);
        if (consumers !== consumersWritten || Date.now() - consumersWrittenAt >= STATUS_REFRESH_MS) {
          await deps.status.write(camera.id, { consumers: leases.byKind });
          consumersWritten = consumers;
          consumersWrittenAt = Date.now();
        }
      }
    } finally {
      if (end === "fence-lost") deps.log.error({ camera: camera.id }, "fence lost: stopping the source now");
      heldCameras.dec();
      // The source first: on fence loss another holder may be connecting right now.
      await supervisor.stop();
      for (const row of [...this.running.keys()]) await this.stopOutput(row);
      await fence.release();
      await deps.status.write(camera.id, { state: "idle", since: Date.now(), holder: null, consumers: {}, engine: null });
      await deps.leases.forgetIfEmpty(camera.id);
      deps.log.info({ camera: camera.id, end }, "holder released the camera");
    }
    return end ?? "aborted";
  }

  /** Stops the running source and starts one of the reloaded camera; the old one stays when reloading fails. */
  private async switchSource(old: SourceSupervisor, pipeline: Pipeline): Promise<SourceSupervisor> {
    let camera: HeldCamera;
    try {
      camera = await this.deps.reloadCamera!(this.camera.id);
    } catch (err) {
      this.deps.log.warn({ camera: this.camera.id, err: (err as Error).message }, "camera changed but could not be reloaded: keeping its source");
      return old;
    }
    this.deps.log.info({ camera: camera.id }, "camera source changed: restarting the source");
    await old.stop();
    this.camera = camera;
    pipeline.sourceRestarted();
    return new SourceSupervisor(this.deps, camera, pipeline);
  }

  /**
   * Starts the outputs whose lease kind is wanted (or was, within the row's linger time), stops
   * the rest, ticks the running ones.
   */
  private async steerOutputs(pipeline: Pipeline, leases: LeaseCount): Promise<void> {
    const now = Date.now();
    for (const row of this.deps.outputs) {
      const leased = (leases.byKind[row.kind] ?? 0) > 0;
      if (leased && row.lingerMs) this.wantedAt.set(row, now);
      const want = row.always === true || leased || now - (this.wantedAt.get(row) ?? -Infinity) < (row.lingerMs ?? 0);
      const cur = this.running.get(row);
      if (cur) {
        const { output } = cur;
        if (output.dropped > cur.countedDrops) {
          consumerDroppedTotal.labels(this.camera.id, row.kind).inc(output.dropped - cur.countedDrops);
          cur.countedDrops = output.dropped;
        }
        if (!want || !output.running) await this.stopOutput(row);
        else await output.tick?.();
      }
      if (want && !this.running.has(row)) {
        const output = row.create({ camera: this.camera, pipeline });
        this.running.set(row, { output, countedDrops: 0 });
        await output.start();
      }
    }
  }

  private async stopOutput(row: OutputRow): Promise<void> {
    const cur = this.running.get(row);
    if (!cur) return;
    this.running.delete(row);
    try {
      await cur.output.stop();
    } catch (err) {
      this.deps.log.warn({ camera: this.camera.id, output: row.kind, err: (err as Error).message }, "output stop failed");
    }
  }
}
