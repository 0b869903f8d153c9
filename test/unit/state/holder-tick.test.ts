/**
 * The holder's tick against a real Redis: one script that extends the fence only for its
 * owner, drops expired leases and reads the rest, and reads the stop request and source
 * change times; and LuaScript's load-on-NOSCRIPT.
 */
import { afterAll, describe, expect, it } from "bun:test";
import { Fence } from "../../../src/state/fence.ts";
import { holderTick, HolderTicks } from "../../../src/state/holder-tick.ts";
import { LeaseStore } from "../../../src/state/lease-store.ts";
import { LuaScript } from "../../../src/state/lua-script.ts";
import { cameraId, testRedis } from "./redis-test-utils.ts";

const { redis, keys, cleanup } = testRedis();
afterAll(cleanup);
const leases = new LeaseStore(redis, keys);

describe("holderTick", () => {
  it("extends the owner's fence and reads leases by kind, the stop request and the source change", async () => {
    const cam = cameraId();
    const fence = new Fence(redis, keys, cam, "w", 30_000);
    expect(await fence.acquire()).toBe(true);
    const now = Date.now();
    await leases.put(cam, "hls", "s1", now + 60_000);
    await leases.put(cam, "webrtc", "v1", now + 60_000);
    await leases.put(cam, "webrtc", "v2", now + 60_000);
    await redis.set(keys.stopRequest(cam), "123");
    await redis.set(keys.sourceChange(cam), "456");
    await redis.pexpire(keys.fence(cam), 1000); // nearly lapsed: the tick extends it to the fence's 30 s
    const t = await holderTick(redis, keys, fence);
    expect(t).toEqual({
      fenceOwned: true,
      stopRequestedAt: 123,
      sourceChangedAt: 456,
      leases: { total: 3, byKind: { hls: 1, webrtc: 2 } },
      members: expect.arrayContaining(["hls:s1", "webrtc:v1", "webrtc:v2"]),
    });
    expect(await redis.pttl(keys.fence(cam))).toBeGreaterThan(25_000);
  });

  it("reads 0 for no stop request or source change, and drops leases that expired", async () => {
    const cam = cameraId();
    const fence = new Fence(redis, keys, cam, "w", 5000);
    await fence.acquire();
    await leases.put(cam, "snapshot", "old", Date.now() - 1);
    await leases.put(cam, "record", "r", Date.now() + 60_000);
    expect(await holderTick(redis, keys, fence)).toEqual({
      fenceOwned: true,
      stopRequestedAt: 0,
      sourceChangedAt: 0,
      leases: { total: 1, byKind: { record: 1 } },
      members: ["record:r"],
    });
    expect(await redis.zcard(keys.leases(cam))).toBe(1);
  });

  it("tells a holder whose fence lapsed or was taken, and extends nothing", async () => {
    const cam = cameraId();
    const a = new Fence(redis, keys, cam, "a", 60_000);
    const b = new Fence(redis, keys, cam, "b", 5000);
    expect(await holderTick(redis, keys, a)).toEqual({ fenceOwned: false });
    expect(await b.acquire()).toBe(true);
    const before = await redis.pttl(keys.fence(cam));
    expect(await holderTick(redis, keys, a)).toEqual({ fenceOwned: false });
    expect(await redis.pttl(keys.fence(cam))).toBeLessThanOrEqual(before);
    expect(await redis.get(keys.fence(cam))).toBe(b.token);
  });
});

describe("HolderTicks", () => {
  it("ticks every waiting fence in one script run, each with its own reading", async () => {
    const [camA, camB] = [cameraId(), cameraId()];
    const a = new Fence(redis, keys, camA, "w", 30_000);
    const b = new Fence(redis, keys, camB, "w", 30_000);
    const lost = new Fence(redis, keys, camB, "other", 30_000);
    expect(await a.acquire()).toBe(true);
    expect(await b.acquire()).toBe(true);
    await leases.put(camA, "hls", "s1", Date.now() + 60_000);
    await redis.set(keys.stopRequest(camB), "99");
    const ticks = new HolderTicks(redis, keys, 100);
    const evalsha = redis.evalsha.bind(redis);
    let runs = 0;
    redis.evalsha = ((...args: Parameters<typeof redis.evalsha>) => (runs++, evalsha(...args))) as typeof redis.evalsha;
    try {
      const [ta, tb, tl] = await Promise.all([ticks.next(a), ticks.next(b), ticks.next(lost)]);
      expect(runs).toBe(1);
      expect(ta).toEqual({ fenceOwned: true, stopRequestedAt: 0, sourceChangedAt: 0, leases: { total: 1, byKind: { hls: 1 } }, members: ["hls:s1"] });
      expect(tb).toEqual({ fenceOwned: true, stopRequestedAt: 99, sourceChangedAt: 0, leases: { total: 0, byKind: {} }, members: [] });
      expect(tl).toEqual({ fenceOwned: false });
    } finally {
      redis.evalsha = evalsha;
    }
  });

  it("answers a holder whose signal aborts while it waits with undefined, and ticks the others", async () => {
    const cam = cameraId();
    const f = new Fence(redis, keys, cam, "w", 30_000);
    expect(await f.acquire()).toBe(true);
    const ticks = new HolderTicks(redis, keys, 10_000);
    const ac = new AbortController();
    const waiting = ticks.next(f, ac.signal);
    ac.abort();
    expect(await waiting).toBeUndefined();
    expect(await ticks.next(f, ac.signal)).toBeUndefined();
  });

  it("gives the batch's Redis error to every holder of the batch", async () => {
    const broken = testRedis();
    const cam = cameraId();
    const ticks = new HolderTicks(broken.redis, broken.keys, 50);
    const f = new Fence(broken.redis, broken.keys, cam, "w", 30_000);
    await broken.cleanup();
    const results = await Promise.allSettled([ticks.next(f), ticks.next(f)]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
  });
});

describe("LuaScript", () => {
  it("loads a script Redis does not know yet (NOSCRIPT) and then runs it by its SHA1", async () => {
    const script = new LuaScript(`-- ${crypto.randomUUID()}\nreturn {KEYS[1], ARGV[1]}`);
    expect(await redis.script("EXISTS", script.sha)).toEqual([0]);
    expect(await script.run(redis, ["k"], ["v"])).toEqual(["k", "v"]);
    expect(await redis.script("EXISTS", script.sha)).toEqual([1]);
    expect(await script.run(redis, ["k2"], [7])).toEqual(["k2", "7"]);
  });

  it("passes a script's own error through", async () => {
    const script = new LuaScript(`return redis.error_reply('camserver test error')`);
    await expect(script.run(redis, [], [])).rejects.toThrow("camserver test error");
  });
});
