/**
 * The holder fence: the one Redis key that makes two upstream connections to one camera
 * impossible. A holder takes it with `SET NX PX` and a random token before it opens the
 * camera, refreshes it while it streams, and stops its source at once when a refresh
 * finds the key gone or owned by another token (Kleppmann's fencing-token pattern, with
 * the token compared in Lua so that only the owner can extend or release it).
 */
import type Redis from "ioredis";
import { randomBytes } from "node:crypto";
import type { Keys } from "./keys.ts";
import { deleteIfOwned, expireIfOwned } from "./owned-key.ts";

/** One holder's claim on one camera. */
export class Fence {
  /** `<holder name>/<random hex>`: the holder name shows who holds the camera. */
  readonly token: string;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    readonly cameraId: string,
    holder: string,
    /** Fence lifetime without refresh, ms. A dead holder's fence lapses after this. */
    readonly ttlMs = 5000,
  ) {
    this.token = `${holder}/${randomBytes(6).toString("hex")}`;
  }

  /** Takes the fence if nobody holds it. @returns true when this holder now owns it */
  async acquire(): Promise<boolean> {
    return (await this.redis.set(this.keys.fence(this.cameraId), this.token, "PX", this.ttlMs, "NX")) === "OK";
  }

  /** Extends the fence. @returns false when it was lost: the caller must stop its source now */
  async refresh(): Promise<boolean> {
    return expireIfOwned(this.redis, this.keys.fence(this.cameraId), this.token, this.ttlMs);
  }

  /** Releases the fence if this holder still owns it. */
  async release(): Promise<void> {
    await deleteIfOwned(this.redis, this.keys.fence(this.cameraId), this.token);
  }

  /** The token of whoever holds the camera now, or null. */
  static async holderOf(redis: Redis, keys: Keys, cameraId: string): Promise<string | null> {
    return redis.get(keys.fence(cameraId));
  }
}
