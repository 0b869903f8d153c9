/**
 * The state of a camera's pipeline as its holder last wrote it, for the API
 * (`GET /v1/cameras/:id`) and for request jobs that wait on a camera.
 * States follow MediaMTX's path states: idle, connecting, live, retrying.
 */
import type Redis from "ioredis";
import type { Keys } from "./keys.ts";

/** Pipeline state of one camera. */
export type CameraState = "idle" | "connecting" | "live" | "retrying";

/** The last error of a camera's source, without credentials. */
export interface CameraErrorInfo {
  /** Domain error class name, e.g. "CameraTimeoutError". */
  readonly name: string;
  readonly message: string;
  /** Epoch ms. */
  readonly at: number;
}

/** What the holder publishes about a camera. */
export interface CameraStatus {
  readonly state: CameraState;
  /** Epoch ms of the last state change. */
  readonly since: number;
  readonly lastError: CameraErrorInfo | null;
  /** Worker id of the holder, or null when idle. */
  readonly holder: string | null;
  /** Consumer counts by kind (hls, snapshot, webrtc, record). */
  readonly consumers: Readonly<Record<string, number>>;
  /**
   * What pulls the camera now: `rtsp` (native client), `ffmpeg`, `ffmpeg-transcode`
   * (re-encoding H.265), `shm`; null when idle.
   */
  readonly engine: string | null;
}

const IDLE: CameraStatus = { state: "idle", since: 0, lastError: null, holder: null, consumers: {}, engine: null };

/** Reads and writes camera status hashes. Entries expire 1 h after their last write. */
export class CameraStatusStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  /** Writes the fields given; others keep their values. */
  async write(cameraId: string, patch: Partial<CameraStatus>): Promise<void> {
    const fields: Record<string, string> = {};
    if (patch.state !== undefined) fields.state = patch.state;
    if (patch.since !== undefined) fields.since = String(patch.since);
    if (patch.lastError !== undefined) fields.last_error = JSON.stringify(patch.lastError);
    if (patch.holder !== undefined) fields.holder = patch.holder ?? "";
    if (patch.consumers !== undefined) fields.consumers = JSON.stringify(patch.consumers);
    if (patch.engine !== undefined) fields.engine = patch.engine ?? "";
    const key = this.keys.cameraStatus(cameraId);
    await this.redis.multi().hset(key, fields).expire(key, 3600).exec();
  }

  /** The camera's status; `idle` with no error when nothing was written. */
  async read(cameraId: string): Promise<CameraStatus> {
    const h = await this.redis.hgetall(this.keys.cameraStatus(cameraId));
    if (!h.state) return IDLE;
    return {
      state: h.state as CameraState,
      since: Number(h.since ?? 0),
      lastError: h.last_error ? (JSON.parse(h.last_error) as CameraErrorInfo | null) : null,
      holder: h.holder || null,
      consumers: h.consumers ? (JSON.parse(h.consumers) as Record<string, number>) : {},
      engine: h.engine || null,
    };
  }

  /** Forgets a camera (camera deleted). */
  async remove(cameraId: string): Promise<void> {
    await this.redis.del(this.keys.cameraStatus(cameraId));
  }
}
