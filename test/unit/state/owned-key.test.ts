/**
 * Token-owned keys against a real Redis: only the token's owner extends or deletes the key.
 */
import { afterAll, describe, expect, it } from "bun:test";
import { deleteIfOwned, expireIfOwned } from "../../../src/state/owned-key.ts";
import { cameraId, testRedis } from "./redis-test-utils.ts";

const { redis, keys, cleanup } = testRedis();
afterAll(cleanup);

describe("deleteIfOwned", () => {
  it("deletes the key that holds the token", async () => {
    const key = keys.hlsSessionOpenLock(cameraId());
    await redis.set(key, "mine", "PX", 5000);
    expect(await deleteIfOwned(redis, key, "mine")).toBe(true);
    expect(await redis.exists(key)).toBe(0);
  });

  it("leaves a key that another token took", async () => {
    const key = keys.hlsSessionOpenLock(cameraId());
    await redis.set(key, "theirs", "PX", 5000);
    expect(await deleteIfOwned(redis, key, "mine")).toBe(false);
    expect(await redis.get(key)).toBe("theirs");
  });

  it("answers false for a key that is gone", async () => {
    expect(await deleteIfOwned(redis, keys.hlsSessionOpenLock(cameraId()), "mine")).toBe(false);
  });
});

describe("expireIfOwned", () => {
  it("extends the key that holds the token", async () => {
    const key = keys.fence(cameraId());
    await redis.set(key, "mine", "PX", 1000);
    expect(await expireIfOwned(redis, key, "mine", 60_000)).toBe(true);
    expect(await redis.pttl(key)).toBeGreaterThan(30_000);
  });

  it("leaves the time to live of a key that another token took", async () => {
    const key = keys.fence(cameraId());
    await redis.set(key, "theirs", "PX", 1000);
    expect(await expireIfOwned(redis, key, "mine", 60_000)).toBe(false);
    expect(await redis.pttl(key)).toBeLessThanOrEqual(1000);
  });
});
