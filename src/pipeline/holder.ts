/**
 * The camera holder: the one place that holds a camera's upstream connection. It runs
 * inside the camera's pipeline job and follows MediaMTX's on-demand path states
 * (connecting, live, retrying, then closing after the grace period without leases):
 *
 * 1. take the fence (`SET NX PX`); while someone else holds it, wait;
 * 2. run source sessions while the camera has leases, reconnecting with backoff;
 * 3. every 250 ms refresh the fence (lost: stop the source at once), read the leases,
 *    start or stop the HLS muxer, publish the state;
 * 4. end when the camera had no lease for the grace period, on a stop request, on
 *    fence loss or when the worker shuts down.
 */
import type Redis from "ioredis";
import type { Logger } from "../log.ts";
import type { Keys } from "../state/keys.ts";
import { Fence } from "../state/fence.ts";
import type { LeaseStore } from "../state/lease-store.ts";
import type { CameraStatusStore } from "../state/camera-status-store.ts";
import type { HlsSegmentStore } from "../state/hls-segment-store.ts";
import type { KeyframeStore } from "../state/keyframe-store.ts";
import { KeyframePublisher } from "./snapshot/keyframe-publisher.ts";
import type { WebRtcSignals } from "../state/webrtc-signals.ts";
import { WebRtcHub } from "./webrtc/webrtc-hub.ts";
import type { WebRtcNetwork } from "./webrtc/whep-peer.ts";
import { Pipeline } from "./pipeline.ts";
import { HlsOutput } from "./hls/hls-output.ts";
import { SourceSupervisor } from "./source-supervisor.ts";
import type { NetworkClass } from "./network-class.ts";
import { sleep } from "./backoff.ts";
import { consumerDroppedTotal, heldCameras } from "../metrics.ts";

/** Shared services a holder uses. */
export interface HolderDeps {
  readonly redis: Redis;
  readonly keys: Keys;
  readonly leases: LeaseStore;
  readonly status: CameraStatusStore;
  readonly segments: HlsSegmentStore;
  readonly keyframes: KeyframeStore;
  readonly signals: WebRtcSignals;
  /** ICE settings of WebRTC viewers. */
  readonly webrtc: WebRtcNetwork;
  /** This worker's id, written as the holder. */
  readonly workerId: string;
  /** Directory for HLS scratch files of this worker. */
  readonly scratchDir: string;
  /** How long the pipeline outlives its last lease, ms. */
  readonly graceMs: number;
  readonly log: Logger;
}

/** The camera as the holder needs it. */
export interface HeldCamera {
  readonly id: string;
  /** Source URL with credentials inserted (never logged). */
  readonly inputUrl: string;
  /** Strings to remove from any text that leaves the holder (password, username). */
  readonly secrets: readonly string[];
  readonly network: NetworkClass;
  /** Most WebRTC viewers at once. */
  readonly maxViewers: number;
}

/** Why a holder ended. */
export type HolderEnd = "idle" | "stopped" | "fence-lost" | "aborted";

const TICK_MS = 250;

/** Holds one camera for as long as it has leases. */
export class CameraHolder {
  constructor(
    private readonly deps: HolderDeps,
    private readonly camera: HeldCamera,
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
      await sleep(TICK_MS * 2, signal);
    }
    deps.log.info({ camera: camera.id }, "holder took the camera");
    heldCameras.inc();
    let hlsDropped = 0;
    const pipeline = new Pipeline();
    pipeline.attach(new KeyframePublisher(deps.keyframes, camera.id));
    const supervisor = new SourceSupervisor(deps, camera, pipeline);
    const hub = new WebRtcHub(
      { subscriber: deps.redis.duplicate(), channel: deps.keys.webrtcChannel(camera.id), signals: deps.signals, leases: deps.leases, log: deps.log, net: deps.webrtc, workerId: deps.workerId },
      camera.id,
      pipeline,
      camera.maxViewers,
    );
    let hls: HlsOutput | undefined;
    let end: HolderEnd | undefined;
    let lastTotal = 0;
    try {
      await deps.status.write(camera.id, { holder: deps.workerId });
      await hub.start();
      while (end === undefined) {
        if (signal.aborted) end = "aborted";
        else if (!(await fence.refresh())) end = "fence-lost";
        else if (Number((await deps.redis.get(deps.keys.stopRequest(camera.id))) ?? 0) >= startedAt) end = "stopped";
        if (end !== undefined) break;
        await hub.tick();
        const leases = await deps.leases.count(camera.id);
        if (leases.total > lastTotal) supervisor.wake();
        lastTotal = leases.total;
        zeroSince = leases.total > 0 ? undefined : (zeroSince ?? Date.now());
        if (zeroSince !== undefined && Date.now() - zeroSince >= deps.graceMs) {
          end = "idle";
          break;
        }
        supervisor.wanted = leases.total > 0;
        const wantHls = (leases.byKind.hls ?? 0) > 0;
        if (hls && hls.dropped > hlsDropped) {
          consumerDroppedTotal.labels(camera.id, "hls").inc(hls.dropped - hlsDropped);
          hlsDropped = hls.dropped;
        }
        if (hls && (!wantHls || !hls.running)) {
          await hls.stop();
          hls = undefined;
        }
        if (wantHls && !hls) {
          hls = new HlsOutput(pipeline, camera.id, deps.scratchDir, deps.segments);
          hlsDropped = 0;
          await hls.start();
        }
        await deps.status.write(camera.id, { consumers: leases.byKind });
        await sleep(TICK_MS, signal);
      }
    } finally {
      if (end === "fence-lost") deps.log.error({ camera: camera.id }, "fence lost: stopping the source now");
      heldCameras.dec();
      // The source first: on fence loss another holder may be connecting right now.
      await supervisor.stop();
      await hub.stop();
      await hls?.stop();
      await deps.keyframes.remove(camera.id);
      await fence.release();
      await deps.status.write(camera.id, { state: "idle", since: Date.now(), holder: null, consumers: {} });
      await deps.leases.forgetIfEmpty(camera.id);
      deps.log.info({ camera: camera.id, end }, "holder released the camera");
    }
    return end;
  }
}
