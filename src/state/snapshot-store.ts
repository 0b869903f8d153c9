/**
 * JPEG snapshots in Redis, so that any API process can serve them: the latest JPEG
 * made for a camera (for `?max_age_ms=` and for the request that made it) and the latest
 * one taken by periodic polling (`/snapshot/latest`).
 */
import type Redis from "ioredis";
import type { Keys } from "./keys.ts";
import { LuaScript } from "./lua-script.ts";

// KEYS: the slot. ARGV: JPEG bytes, at (epoch ms). Writes unless the slot holds a newer JPEG.
const PUT_IF_NEWER = new LuaScript(`
if tonumber(redis.call('HGET', KEYS[1], 'at') or '0') > tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], 'jpeg', ARGV[1], 'at', ARGV[2])
return 1`);

/** A stored JPEG. */
export interface StoredJpeg {
  readonly jpeg: Buffer;
  /** Epoch ms at which its keyframe arrived from the camera. */
  readonly at: number;
}

/** Which snapshot: any request's latest, or the polled one. */
export type SnapshotSlot = "latest" | "polled";

/** Reads and writes snapshots. */
export class SnapshotStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  private key(cameraId: string, slot: SnapshotSlot): string {
    return slot === "polled" ? this.keys.polledSnapshot(cameraId) : this.keys.snapshot(cameraId);
  }

  /**
   * Stores a JPEG unless the slot already holds a newer one, in one step on the server: two
   * workers storing JPEGs of two keyframes at once never leave the older one behind.
   */
  async put(cameraId: string, slot: SnapshotSlot, jpeg: Uint8Array, at: number): Promise<void> {
    await PUT_IF_NEWER.run(this.redis, [this.key(cameraId, slot)], [Buffer.from(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength), at]);
  }

  /** The stored JPEG, or undefined. */
  async get(cameraId: string, slot: SnapshotSlot): Promise<StoredJpeg | undefined> {
    const [jpeg, at] = await this.redis.hmgetBuffer(this.key(cameraId, slot), "jpeg", "at");
    if (!jpeg || !at) return undefined;
    return { jpeg, at: Number(at.toString()) };
  }

  /** Forgets a deleted camera's snapshots. */
  async remove(cameraId: string): Promise<void> {
    await this.redis.del(this.keys.snapshot(cameraId), this.keys.polledSnapshot(cameraId));
  }
}
