/**
 * Builds the API's dependencies from config and connections (composition root).
 */
import { Queue } from "bullmq";
import type Redis from "ioredis";
import { createApp } from "../../src/api/app.ts";
import type { Config } from "../../src/config.ts";
import type { CamerasRepository } from "../../src/db/cameras-repository.ts";
import type { Logger } from "../../src/log.ts";
import type { ApiTokensRepository } from "../../src/db/api-tokens-repository.ts";
import type { EventRepositories } from "../../src/db/event-repositories.ts";
import { CameraStatusStore } from "../../src/state/camera-status-store.ts";
import { HlsSegmentStore } from "../../src/state/hls-segment-store.ts";
import { HlsSessionStore } from "../../src/state/hls-session-store.ts";
import { Keys } from "../../src/state/keys.ts";
import { LeaseStore } from "../../src/state/lease-store.ts";
import { cameraQueueName } from "../../queues/names.ts";
import { StreamRequests } from "../../queues/stream-requests.ts";
import { SnapshotRequests } from "../../queues/snapshot-requests.ts";
import { SnapshotStore } from "../../src/state/snapshot-store.ts";
import { WebRtcSignals } from "../../src/state/webrtc-signals.ts";
import { WebRtcRequests } from "../../queues/webrtc-requests.ts";
import { RecordRequests } from "../../queues/record-requests.ts";
import type { RecordingRepositories } from "../../src/db/recording-repositories.ts";

/** The API app and what must be closed with it. */
export interface ComposedApi {
  readonly app: Awaited<ReturnType<typeof createApp>>;
  close(): Promise<void>;
}

/** Wires stores, the stream producer and the app. */
/**
 * @param apiToken `API_TOKEN`, the bootstrap admin
 * @param tokens stored tokens with roles (`ApiTokensRepository`)
 * @param recordingRepos recordings, their segments and recording settings
 * @param eventRepos detection events and per-camera event settings
 */
export async function composeApi(
  config: Config,
  redis: Redis,
  cameras: CamerasRepository,
  apiToken: string,
  tokens: ApiTokensRepository,
  log: Logger,
  recordingRepos: RecordingRepositories,
  eventRepos: EventRepositories,
): Promise<ComposedApi> {
  const keys = new Keys(config.redisPrefix);
  const leases = new LeaseStore(redis, keys);
  const streams = new StreamRequests(redis, config.redisPrefix);
  const snapshotRequests = new SnapshotRequests(redis, config.redisPrefix);
  const signals = new WebRtcSignals(redis, keys);
  const webrtc = new WebRtcRequests(redis, config.redisPrefix, signals);
  const recordRequests = new RecordRequests(redis, config.redisPrefix);
  await Promise.all([streams.ready(), snapshotRequests.ready(), webrtc.ready(), recordRequests.ready()]);
  const boardCameraQueues = new Map<string, Queue>();
  const app = await createApp({
    redis,
    keys,
    cameras,
    leases,
    sessions: new HlsSessionStore(redis, keys, leases, { ttlMs: config.sessionTtlSec * 1000, idleMs: config.hlsIdleTimeoutSec * 1000 }),
    segments: new HlsSegmentStore(redis, keys),
    status: new CameraStatusStore(redis, keys),
    streams,
    snapshotRequests,
    snapshots: new SnapshotStore(redis, keys),
    snapshotTimeoutMs: 30_000,
    webrtc,
    signals,
    webrtcOfferTimeoutMs: 40_000,
    apiToken,
    tokens,
    tokenAdmin: tokens,
    ...eventRepos,
    streamStartTimeoutMs: 40_000,
    ...recordingRepos,
    recordRequests,
    recordTimeoutMs: 40_000,
    recordingsDir: config.recordingsDir,
    mediaDir: config.mediaDir,
    boardQueues: async () => {
      const ids = new Set((await cameras.list()).map((c) => c.id));
      for (const [id, q] of boardCameraQueues) {
        if (ids.has(id)) continue;
        boardCameraQueues.delete(id);
        await q.close();
      }
      for (const id of ids) {
        if (!boardCameraQueues.has(id)) boardCameraQueues.set(id, new Queue(cameraQueueName(id), { connection: redis, prefix: config.redisPrefix }));
      }
      return [streams.queue, snapshotRequests.queue, webrtc.queue, recordRequests.queue, ...boardCameraQueues.values()];
    },
    log,
  });
  return {
    app,
    async close() {
      await app.stop();
      await streams.close();
      await snapshotRequests.close();
      await webrtc.close();
      await recordRequests.close();
      await Promise.all([...boardCameraQueues.values()].map((q) => q.close()));
    },
  };
}
