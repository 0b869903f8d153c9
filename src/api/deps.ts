/**
 * What the API needs, built by the entry point. The API reaches workers only through
 * queues (`StreamRequests`) and Redis state; it never imports `pipeline` or `workers`.
 */
import type { Queue } from "bullmq";
import type Redis from "ioredis";
import type { TokenLookup } from "./auth.ts";
import type { ApiTokensRepository } from "../db/api-tokens-repository.ts";
import type { CamerasRepository } from "../db/cameras-repository.ts";
import type { EventSettingsRepository } from "../db/event-settings-repository.ts";
import type { EventsRepository } from "../db/events-repository.ts";
import type { RecordingSegmentsRepository } from "../db/recording-segments-repository.ts";
import type { RecordingSettingsRepository } from "../db/recording-settings-repository.ts";
import type { RecordingsRepository } from "../db/recordings-repository.ts";
import type { RecordRequests } from "../../queues/record-requests.ts";
import type { Logger } from "../log.ts";
import type { CameraStatusStore } from "../state/camera-status-store.ts";
import type { HlsSegmentStore } from "../state/hls-segment-store.ts";
import type { HlsSessionStore } from "../state/hls-session-store.ts";
import type { Keys } from "../state/keys.ts";
import type { LeaseStore } from "../state/lease-store.ts";
import type { SnapshotStore } from "../state/snapshot-store.ts";
import type { SnapshotRequests } from "../../queues/snapshot-requests.ts";
import type { StreamRequests } from "../../queues/stream-requests.ts";
import type { WebRtcRequests } from "../../queues/webrtc-requests.ts";
import type { WebRtcSignals } from "../state/webrtc-signals.ts";

/** Services of the HTTP API. */
export interface ApiDeps {
  readonly redis: Redis;
  readonly keys: Keys;
  readonly cameras: CamerasRepository;
  readonly leases: LeaseStore;
  readonly sessions: HlsSessionStore;
  readonly segments: HlsSegmentStore;
  readonly status: CameraStatusStore;
  readonly streams: StreamRequests;
  readonly snapshotRequests: SnapshotRequests;
  readonly snapshots: SnapshotStore;
  readonly webrtc: WebRtcRequests;
  readonly signals: WebRtcSignals;
  /** How long a WebRTC offer waits for its answer, ms. */
  readonly webrtcOfferTimeoutMs: number;
  /** How long a snapshot request waits for a worker, ms. */
  readonly snapshotTimeoutMs: number;
  /** `API_TOKEN`: the bootstrap admin token. */
  readonly apiToken: string;
  /** Stored tokens with roles (`api_tokens`). */
  readonly tokens: TokenLookup;
  /** How long `POST /v1/streams/start` waits for a worker, ms. */
  readonly streamStartTimeoutMs: number;
  /** Queues shown in Bull Board (request queues; camera queues are found in Redis). */
  readonly boardQueues: () => Promise<Queue[]>;
  /** Recordings, their segments and per-camera recording settings. */
  readonly recordings: RecordingsRepository;
  readonly recordingSegments: RecordingSegmentsRepository;
  readonly recordingSettings: RecordingSettingsRepository;
  /** Producer of `record` jobs (start, stop) and recording schedulers. */
  readonly recordRequests: RecordRequests;
  /** How long a recording start or stop waits for a worker, ms. */
  readonly recordTimeoutMs: number;
  /** MEDIA_DIR: the only directory a file-path camera may play from; undefined refuses every file path. */
  readonly mediaDir?: string;
  /** RECORDINGS_DIR: files are served from it and deleted in it (a mount shared with the workers). */
  readonly recordingsDir: string;
  /** Detection events and per-camera event settings (`/v1/events`, the console's event socket). */
  readonly events: EventsRepository;
  readonly eventSettings: EventSettingsRepository;
  /** Token administration (`/v1/tokens`, admins). */
  readonly tokenAdmin: Pick<ApiTokensRepository, "create" | "list" | "revoke">;
  readonly log: Logger;
}
