/**
 * The worker runtime: reaps leftovers of a previous run, consumes the request queue and
 * every camera's queue, keeps the camera list in step with the registry, and shuts down
 * cleanly: holders aborted, their ffmpeg children stopped and reaped, jobs handed back.
 * Every worker also sweeps finished request jobs past their retention (queues/finished-jobs.ts).
 */
import type Redis from "ioredis";
import { mkdir, rm } from "node:fs/promises";
import type { Config } from "../src/config.ts";
import type { CamerasRepository } from "../src/db/cameras-repository.ts";
import type { RecordingSegmentsRepository } from "../src/db/recording-segments-repository.ts";
import type { RecordingSettingsRepository } from "../src/db/recording-settings-repository.ts";
import type { RecordingsRepository } from "../src/db/recordings-repository.ts";
import { recordRow } from "../src/pipeline/outputs/record-row.ts";
import { RECORD_QUEUE } from "../queues/names.ts";
import { RecordRequests } from "../queues/record-requests.ts";
import { startFinishedJobSweep } from "../queues/finished-jobs.ts";
import { recordProcessor } from "./record-processor.ts";
import type { Logger } from "../src/log.ts";
import { reapOrphans, reapPeriodically } from "../src/proc/reaper.ts";
import { stopAllChildren } from "../src/proc/spawn-child.ts";
import { HlsSegmentStore } from "../src/state/hls-segment-store.ts";
import { HlsSessionStore } from "../src/state/hls-session-store.ts";
import { Keys } from "../src/state/keys.ts";
import { LeaseStore } from "../src/state/lease-store.ts";
import { KeyframeStore } from "../src/state/keyframe-store.ts";
import { SnapshotStore } from "../src/state/snapshot-store.ts";
import { WebRtcSignals } from "../src/state/webrtc-signals.ts";
import { SNAPSHOT_QUEUE, STREAM_START_QUEUE, WEBRTC_OFFER_QUEUE } from "../queues/names.ts";
import { webrtcOfferProcessor } from "./webrtc-offer-processor.ts";
import { startRequestWorker } from "./request-worker.ts";
import { snapshotProcessor } from "./snapshot-processor.ts";
import { hlsRow } from "../src/pipeline/outputs/hls-row.ts";
import { keyframeRow } from "../src/pipeline/outputs/keyframe-row.ts";
import { webrtcRow } from "../src/pipeline/outputs/webrtc-row.ts";
import { CameraQueues } from "./camera-queues.ts";
import { pipelineProcessor } from "./pipeline-processor.ts";
import { Reconciler } from "./reconciler.ts";
import { CameraDemand } from "./camera-demand.ts";
import { meteredRows } from "./metered-outputs.ts";
import { MeteredStatusStore } from "./metered-status-store.ts";
import { streamStartProcessor } from "./stream-start-processor.ts";

/** What a worker runtime needs; the entry point builds these. */
export interface WorkerRuntimeOptions {
  readonly config: Config;
  /** Shared connection for commands (the runtime duplicates it for blocking reads). */
  readonly redis: Redis;
  readonly cameras: CamerasRepository;
  /** Recordings, their segments and per-camera recording settings. */
  readonly recordings: RecordingsRepository;
  readonly recordingSegments: RecordingSegmentsRepository;
  readonly recordingSettings: RecordingSettingsRepository;
  readonly log: Logger;
}

/** A running worker. */
export interface WorkerRuntime {
  readonly cameraQueues: CameraQueues;
  /** Stops holders and children, hands running pipeline jobs back, closes connections. */
  close(): Promise<void>;
}

/** Starts consuming queues. */
export async function startWorkers(o: WorkerRuntimeOptions): Promise<WorkerRuntime> {
  const { config, redis, log } = o;
  const reaped = await reapOrphans({ log: (m) => log.warn(m) });
  if (reaped > 0) log.warn({ reaped }, "killed leftover ffmpeg processes of a previous run");
  // And every minute: a child whose parent-death signal failed is found while the host runs.
  const stopReaper = reapPeriodically(60_000, { log: (m) => log.warn(m) });
  const keys = new Keys(config.redisPrefix);
  const leases = new LeaseStore(redis, keys);
  // Its writes feed camserver_camera_retrying_since_timestamp_seconds.
  const status = new MeteredStatusStore(redis, keys);
  const segments = new HlsSegmentStore(redis, keys);
  const keyframes = new KeyframeStore(redis, keys);
  const snapshots = new SnapshotStore(redis, keys);
  const signals = new WebRtcSignals(redis, keys);
  const sessions = new HlsSessionStore(redis, keys, leases, { ttlMs: config.sessionTtlSec * 1000, idleMs: config.hlsIdleTimeoutSec * 1000 });
  const scratchDir = `${config.dataDir}/hls-scratch/${config.workerId.replace(/[^A-Za-z0-9_.-]/g, "_")}`;
  await rm(scratchDir, { recursive: true, force: true });
  await mkdir(scratchDir, { recursive: true });
  const shutdown = new AbortController();
  const cameraQueues = new CameraQueues(
    redis,
    config.redisPrefix,
    pipelineProcessor({
      redis,
      keys,
      leases,
      status,
      // Metered: access units read and processed per consumer kind, WebRTC viewers, drop warnings.
      outputs: meteredRows(
        [
          keyframeRow(keyframes, config.snapshotLingerMs),
          recordRow({ leases, recordings: o.recordings, segments: o.recordingSegments, root: config.recordingsDir, workerId: config.workerId, log }),
          webrtcRow({
            redis,
            keys,
            signals,
            leases,
            net: { publicIps: config.webrtcPublicIps, portRange: config.webrtcPortRange },
            workerId: config.workerId,
            log,
          }),
          hlsRow(segments),
        ],
        { log },
      ),
      workerId: config.workerId,
      graceMs: config.pipelineGraceMs,
      log,
      cameras: o.cameras,
      shutdown: shutdown.signal,
    }),
    // Cameras with a worker_tag are consumed only by workers whose WORKER_TAGS have it.
    { workerTags: config.workerTags, requiredTag: async (id) => (await o.cameras.get(id).catch(() => undefined))?.workerTag ?? null },
  );
  // Only wanted cameras' queues are consumed (leases or a pipeline job): none until the
  // camera-wanted signal or the reconciler's first pass below finds one.
  const demand = new CameraDemand(cameraQueues, redis, keys, log);
  await demand.start();

  const requestWorkers = [
    startRequestWorker(
      STREAM_START_QUEUE,
      streamStartProcessor({ cameras: o.cameras, sessions, segments, status, cameraQueues }),
      redis,
      config.redisPrefix,
      log,
    ),
    startRequestWorker(
      SNAPSHOT_QUEUE,
      snapshotProcessor({ cameras: o.cameras, leases, keyframes, snapshots, status, cameraQueues, dataDir: config.dataDir }),
      redis,
      config.redisPrefix,
      log,
    ),
    startRequestWorker(
      RECORD_QUEUE,
      recordProcessor({
        redis,
        keys,
        cameras: o.cameras,
        recordings: o.recordings,
        segments: o.recordingSegments,
        settings: o.recordingSettings,
        leases,
        status,
        cameraQueues,
        root: config.recordingsDir,
        log,
      }),
      redis,
      config.redisPrefix,
      log,
    ),
    startRequestWorker(WEBRTC_OFFER_QUEUE, webrtcOfferProcessor({ cameras: o.cameras, leases, signals, status, cameraQueues }), redis, config.redisPrefix, log),
  ];

  // Registry changes: the API publishes the camera id; a deleted camera's queue is removed
  // (its Redis keys once its pipeline job ended) with its metric series.
  const sub = redis.duplicate();
  await sub.subscribe(keys.camerasChannel());
  sub.on("message", (_channel, cameraId: string) => {
    o.cameras
      .get(cameraId)
      .then(
        // A consumed camera takes its new tag now; any other is read afresh when next wanted.
        async (cam) => {
          if (cameraQueues.consumes(cameraId)) await cameraQueues.ensure(cameraId, cam.workerTag);
          else await cameraQueues.forget(cameraId);
        },
        () =>
          cameraQueues.remove(cameraId, () =>
            o.cameras.get(cameraId).then(
              () => false,
              () => true,
            ),
          ),
      )
      .catch((err) => log.warn({ err: (err as Error).message, camera: cameraId }, "camera sync failed"));
  });
  const recordRequests = new RecordRequests(redis, config.redisPrefix);
  await recordRequests.scheduleMaintenance();
  await recordRequests.close();
  const reconciler = new Reconciler(leases, sessions, cameraQueues, demand, log);
  await reconciler.once();
  reconciler.start();
  // Finished request jobs past their retention leave even when their queue has gone quiet.
  const finishedSweep = startFinishedJobSweep(redis, config.redisPrefix, (err) => log.warn({ err: err.message }, "finished-job sweep failed"));
  log.info({ worker: config.workerId, cameras: cameraQueues.cameraIds().length, tags: config.workerTags }, "worker ready");

  return {
    cameraQueues,
    async close() {
      shutdown.abort();
      await reconciler.stop();
      await finishedSweep.stop();
      await stopReaper();
      await demand.stop();
      sub.disconnect();
      await Promise.all(requestWorkers.map((w) => w.close()));
      await cameraQueues.close();
      await stopAllChildren("worker shutdown");
      await rm(scratchDir, { recursive: true, force: true });
      log.info("worker stopped");
    },
  };
}
