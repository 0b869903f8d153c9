/**
 * What a camera holder reads and extends on every tick (250 ms), in one round trip: the
 * fence is extended if this holder still owns it (compared in Lua, as `owned-key.ts` does),
 * expired leases are dropped and the rest read, and the camera's stop request and source
 * change times are read. The same steps as the fence's `refresh`, `LeaseStore.count` and two
 * GETs, in one script instead of five round trips (docs/architecture.md, "The holder").
 *
 * The holders of one worker tick together: {@link HolderTicks} runs one script for all of
 * them on a shared 250 ms cadence, so twenty held cameras cost four round trips a second
 * instead of eighty (each one a system call on both ends of the connection).
 */
import type Redis from "ioredis";
import type { Fence } from "./fence.ts";
import type { Keys } from "./keys.ts";
import { countLeases, type LeaseCount } from "./lease-store.ts";
import { LuaScript } from "./lua-script.ts";

// KEYS: per camera: fence, leases, stop request, source change.
// ARGV: now (epoch ms), then per camera: token, fence ttl ms.
// Returns per camera {0} when the fence is not ours, else {1, stop request ms, source change ms, members}.
const TICK = new LuaScript(`
local out = {}
for i = 0, #KEYS / 4 - 1 do
  local k, a = i * 4, i * 2 + 1
  if redis.call('GET', KEYS[k + 1]) ~= ARGV[a + 1] then
    out[i + 1] = {0}
  else
    redis.call('PEXPIRE', KEYS[k + 1], ARGV[a + 2])
    redis.call('ZREMRANGEBYSCORE', KEYS[k + 2], '-inf', ARGV[1])
    out[i + 1] = {1, redis.call('GET', KEYS[k + 3]) or '0', redis.call('GET', KEYS[k + 4]) or '0', redis.call('ZRANGE', KEYS[k + 2], 0, -1)}
  end
end
return out`);

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

type RawTick = [0] | [1, string, string, string[]];

/** Runs the tick script for several fences at once; results in the order of `fences`. */
async function tickMany(redis: Redis, keys: Keys, fences: readonly Fence[], now: number): Promise<HolderTick[]> {
  const k: string[] = [];
  const args: (string | number)[] = [now];
  for (const f of fences) {
    const cam = f.cameraId;
    k.push(keys.fence(cam), keys.leases(cam), keys.stopRequest(cam), keys.sourceChange(cam));
    args.push(f.token, f.ttlMs);
  }
  const raw = (await TICK.run(redis, k, args)) as RawTick[];
  return raw.map((r) =>
    r[0] !== 1
      ? { fenceOwned: false }
      : { fenceOwned: true, stopRequestedAt: Number(r[1]), sourceChangedAt: Number(r[2]), leases: countLeases(r[3]), members: r[3] },
  );
}

/**
 * Extends `fence` by its ttlMs if its holder still owns it (as `Fence.refresh` does) and reads
 * the holder's inputs for the fence's camera, now.
 * @param now epoch ms; leases that expired by then are dropped
 * @throws the Redis error when Redis cannot be reached (the holder's loop ends with it)
 */
export async function holderTick(redis: Redis, keys: Keys, fence: Fence, now = Date.now()): Promise<HolderTick> {
  return (await tickMany(redis, keys, [fence], now))[0]!;
}

/** A holder's tick interval, ms: how often its fence is extended and its leases read. */
export const HOLDER_TICK_MS = 250;

/** A holder waiting for the next shared tick. */
interface Waiter {
  readonly fence: Fence;
  readonly resolve: (t: HolderTick | undefined) => void;
  readonly reject: (err: unknown) => void;
  readonly signal?: AbortSignal;
  readonly onAbort: () => void;
}

/**
 * The ticks of every holder on one Redis connection, batched: {@link next} waits for the next
 * multiple of `intervalMs` of the wall clock, when one script run ticks all the fences that
 * wait. A holder's ticks are therefore at most `intervalMs` (plus its own work) apart.
 */
export class HolderTicks {
  private waiting: Waiter[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** @param intervalMs the shared cadence, ms (the holder's tick) */
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    readonly intervalMs = HOLDER_TICK_MS,
  ) {}

  /**
   * The fence's tick at the next shared tick.
   * @returns the tick, or undefined when `signal` aborted first (nothing was extended)
   * @throws the Redis error of the batch (every holder of the batch gets it)
   */
  next(fence: Fence, signal?: AbortSignal): Promise<HolderTick | undefined> {
    if (signal?.aborted) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        fence,
        resolve,
        reject,
        signal,
        onAbort: () => {
          this.waiting = this.waiting.filter((w) => w !== waiter);
          resolve(undefined);
        },
      };
      signal?.addEventListener("abort", waiter.onAbort, { once: true });
      this.waiting.push(waiter);
      this.timer ??= setTimeout(() => void this.flush(), this.intervalMs - (Date.now() % this.intervalMs));
    });
  }

  private async flush(): Promise<void> {
    this.timer = undefined;
    const batch = this.waiting;
    this.waiting = [];
    for (const w of batch) w.signal?.removeEventListener("abort", w.onAbort);
    if (batch.length === 0) return;
    try {
      const ticks = await tickMany(
        this.redis,
        this.keys,
        batch.map((w) => w.fence),
        Date.now(),
      );
      batch.forEach((w, i) => w.resolve(ticks[i]));
    } catch (err) {
      for (const w of batch) w.reject(err);
    }
  }
}

const shared = new WeakMap<Redis, WeakMap<Keys, HolderTicks>>();

/** The {@link HolderTicks} of one connection and key space, made on first use. */
export function holderTicksOf(redis: Redis, keys: Keys): HolderTicks {
  let byKeys = shared.get(redis);
  if (!byKeys) shared.set(redis, (byKeys = new WeakMap()));
  let ticks = byKeys.get(keys);
  if (!ticks) byKeys.set(keys, (ticks = new HolderTicks(redis, keys)));
  return ticks;
}
