/**
 * The latest keyframe of each live camera: its IDR access unit with SPS/PPS in front, as
 * an Annex-B byte stream, with the time it arrived. The holder writes every keyframe
 * (about one a second); a snapshot decodes it on any worker without a new camera
 * connection. A keyframe older than a few seconds means the camera is not live.
 */
import type Redis from "ioredis";
import type { Keys } from "./keys.ts";

/** One stored keyframe. */
export interface StoredKeyframe {
  /** Annex-B: SPS, PPS, IDR slices. */
  readonly annexB: Buffer;
  /** Epoch ms at which it arrived from the camera. */
  readonly at: number;
}

/** A keyframe lives this long without a newer one, ms. */
const KEYFRAME_TTL_MS = 10_000;

/** Reads and writes the latest keyframe of cameras. */
export class KeyframeStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  /** Stores a camera's latest keyframe. */
  async put(cameraId: string, annexB: Uint8Array, at: number): Promise<void> {
    const key = this.keys.keyframe(cameraId);
    await this.redis
      .multi()
      .hset(key, { au: Buffer.from(annexB.buffer, annexB.byteOffset, annexB.byteLength), at: String(at) })
      .pexpire(key, KEYFRAME_TTL_MS)
      .exec();
  }

  /** The camera's latest keyframe, or undefined. */
  async get(cameraId: string): Promise<StoredKeyframe | undefined> {
    const [au, at] = await this.redis.hmgetBuffer(this.keys.keyframe(cameraId), "au", "at");
    if (!au || !at) return undefined;
    return { annexB: au, at: Number(at.toString()) };
  }

  /** Forgets a camera's keyframe (holder released it). */
  async remove(cameraId: string): Promise<void> {
    await this.redis.del(this.keys.keyframe(cameraId));
  }
}
