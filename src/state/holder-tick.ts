/**
 * What a camera holder reads and extends on every tick (250 ms), in one round trip: the
 * fence is extended if this holder still owns it (compared in Lua, as `owned-key.ts` does),
 * expired leases are dropped and the rest read, and the camera's stop request and source
 * change times are read. The same steps as the fence's `refresh`, `LeaseStore.count` and two
 * GETs, in one script instead of five round trips (docs/architecture.md, "The holder").
 */
import type Redis from "ioredis";
import type { Fence } from "./fence.ts";
import type { Keys } from "./keys.ts";
import { countLeases, type LeaseCount } from "./lease-store.ts";
import { LuaScript } from "./lua-script.ts";

// KEYS: fence, leases, stop request, source change. ARGV: token, fence ttl ms, now (epoch ms).
// Returns {0} when the fence is not ours, else {1, stop request ms, source change ms, members}.
const TICK = new LuaScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return {0} end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[3])
return {1, redis.call('GET', KEYS[3]) or '0', redis.call('GET', KEYS[4]) or '0', redis.call('ZRANGE', KEYS[2], 0, -1)}`);

/** One tick's reading. */
export type HolderTick =
  /** The fence is gone or another holder's: stop the source now. */
  | { readonly fenceOwned: false }
  | {
      readonly fenceOwned: true;
      /** Epoch ms of the camera's last stop request, 0 if none. */
      readonly stopRequestedAt: number;
      /** Epoch ms of the last change of the camera's source settings, 0 if none. */
      readonly sourceChangedAt: number;
      /** The camera's unexpired leases. */
      readonly leases: LeaseCount;
      /** Their members (`<kind>:<id>`), so a holder can tell a new lease from one that ended. */
      readonly members: readonly string[];
    };

/**
 * Extends `fence` by its ttlMs if its holder still owns it (as `Fence.refresh` does) and reads
 * the holder's inputs for the fence's camera.
 * @param now epoch ms; leases that expired by then are dropped
 * @throws the Redis error when Redis cannot be reached (the holder's loop ends with it)
 */
export async function holderTick(redis: Redis, keys: Keys, fence: Fence, now = Date.now()): Promise<HolderTick> {
  const cam = fence.cameraId;
  const r = (await TICK.run(redis, [keys.fence(cam), keys.leases(cam), keys.stopRequest(cam), keys.sourceChange(cam)], [fence.token, fence.ttlMs, now])) as
    | [0]
    | [1, string, string, string[]];
  if (r[0] !== 1) return { fenceOwned: false };
  return { fenceOwned: true, stopRequestedAt: Number(r[1]), sourceChangedAt: Number(r[2]), leases: countLeases(r[3]), members: r[3] };
}
