/**
 * Leases: "a consumer wants this camera". A lease is a member `<kind>:<id>` of the
 * camera's ZSET whose score is its expiry in epoch ms; a pipeline lives while its
 * camera has unexpired leases. Expiry is enforced by score, so a lease whose holder
 * died simply lapses.
 */
import type Redis from "ioredis";
import { cameraWantedChannel } from "./camera-wanted.ts";
import type { Keys } from "./keys.ts";
import { LuaScript } from "./lua-script.ts";

/** What a consumer holds a lease for. */
export type LeaseKind = "hls" | "snapshot" | "webrtc" | "record";

/** Unexpired leases of one camera, counted by kind. */
export interface LeaseCount {
  readonly total: number;
  readonly byKind: Readonly<Partial<Record<LeaseKind, number>>>;
}

// Sets score to min(now + extendMs, cap) for an existing, unexpired member only: a lapsed
// lease is never revived.
const TOUCH = new LuaScript(`
local cur = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not cur or tonumber(cur) <= tonumber(ARGV[4]) then return 0 end
local want = tonumber(ARGV[2])
local cap = tonumber(ARGV[3])
if cap > 0 and want > cap then want = cap end
redis.call('ZADD', KEYS[1], 'XX', want, ARGV[1])
return 1`);

// Creates or replaces a lease and marks the camera leased; a new lease (not a refresh) also
// publishes the camera-wanted signal (camera-wanted.ts), in the same round trip.
const PUT = new LuaScript(`
local added = redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
redis.call('SADD', KEYS[2], ARGV[3])
if added == 1 then redis.call('PUBLISH', ARGV[4], ARGV[3]) end
return added`);

// Atomically: drop expired leases; if none are left, remove the camera from the leased set.
const FORGET = new LuaScript(`
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) == 0 then redis.call('SREM', KEYS[2], ARGV[2]) end
return 1`);

/** Counts lease members (`<kind>:<id>`) by kind. */
export function countLeases(members: readonly string[]): LeaseCount {
  const byKind: Partial<Record<LeaseKind, number>> = {};
  for (const m of members) {
    const kind = m.slice(0, m.indexOf(":")) as LeaseKind;
    byKind[kind] = (byKind[kind] ?? 0) + 1;
  }
  return { total: members.length, byKind };
}

/** Reads and writes leases in Redis. */
export class LeaseStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  /**
   * Creates or replaces lease `kind:id` on a camera, expiring at `expiresAt` (epoch ms).
   * A new lease publishes the camera-wanted signal, so worker processes start consuming
   * the camera's queue.
   */
  async put(cameraId: string, kind: LeaseKind, id: string, expiresAt: number): Promise<void> {
    await PUT.run(
      this.redis,
      [this.keys.leases(cameraId), this.keys.leasedCameras()],
      [String(expiresAt), `${kind}:${id}`, cameraId, cameraWantedChannel(this.keys)],
    );
  }

  /**
   * Extends an existing lease to `now + extendMs`, but never past `capAt` (epoch ms, 0 = no cap).
   * @returns false when the lease does not exist (expired or released)
   */
  async touch(cameraId: string, kind: LeaseKind, id: string, extendMs: number, capAt: number): Promise<boolean> {
    const r = await TOUCH.run(this.redis, [this.keys.leases(cameraId)], [`${kind}:${id}`, String(Date.now() + extendMs), String(capAt), String(Date.now())]);
    return r === 1;
  }

  /** Expiry (epoch ms) of a lease, or undefined when it does not exist or has expired. */
  async expiry(cameraId: string, kind: LeaseKind, id: string): Promise<number | undefined> {
    const s = await this.redis.zscore(this.keys.leases(cameraId), `${kind}:${id}`);
    if (s === null) return undefined;
    const at = Number(s);
    return at > Date.now() ? at : undefined;
  }

  /** Removes one lease. */
  async release(cameraId: string, kind: LeaseKind, id: string): Promise<void> {
    await this.redis.zrem(this.keys.leases(cameraId), `${kind}:${id}`);
  }

  /** Removes every lease of a camera (camera deleted). */
  async releaseAll(cameraId: string): Promise<void> {
    await this.redis.multi().del(this.keys.leases(cameraId)).srem(this.keys.leasedCameras(), cameraId).exec();
  }

  /** Drops expired leases and counts the rest by kind. */
  async count(cameraId: string): Promise<LeaseCount> {
    const key = this.keys.leases(cameraId);
    const res = await this.redis.multi().zremrangebyscore(key, "-inf", String(Date.now())).zrange(key, "0", "-1").exec();
    return countLeases((res?.[1]?.[1] as string[] | undefined) ?? []);
  }

  /** Ids of a camera's unexpired leases of one kind (`record:<id>` gives `<id>`), in no set order. */
  async members(cameraId: string, kind: LeaseKind): Promise<string[]> {
    const all = await this.redis.zrangebyscore(this.keys.leases(cameraId), `(${Date.now()}`, "+inf");
    const prefix = `${kind}:`;
    return all.filter((m) => m.startsWith(prefix)).map((m) => m.slice(prefix.length));
  }

  /** Camera ids that had leases recently (may include cameras whose leases all lapsed). */
  async leasedCameras(): Promise<string[]> {
    return this.redis.smembers(this.keys.leasedCameras());
  }

  /** Forgets a camera in the leased set once it has no leases left. */
  async forgetIfEmpty(cameraId: string): Promise<void> {
    await FORGET.run(this.redis, [this.keys.leases(cameraId), this.keys.leasedCameras()], [String(Date.now()), cameraId]);
  }
}
