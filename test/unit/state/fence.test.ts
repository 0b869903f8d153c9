/**
 * Fence against a real Redis: the holder fence that makes two upstream connections to one
 * camera impossible. Two Fence instances stand for two worker hosts (or a BullMQ job that
 * stalled and runs twice).
 */
import { afterAll, describe, expect, it } from "bun:test";
import { Fence } from "../../../src/state/fence.ts";
import { cameraId, testRedis } from "./redis-test-utils.ts";

const { redis, keys, cleanup } = testRedis();
afterAll(cleanup);

describe("Fence", () => {
  it("gives each holder its own token that names the holder", () => {
    const a = new Fence(redis, keys, "c", "worker-a");
    const b = new Fence(redis, keys, "c", "worker-a");
    expect(a.token).toStartWith("worker-a/");
    expect(a.token).not.toBe(b.token);
  });

  it("lets only one of two holders acquire a camera", async () => {
    const cam = cameraId();
    const a = new Fence(redis, keys, cam, "worker-a", 5000);
    const b = new Fence(redis, keys, cam, "worker-b", 5000);
    expect(await a.acquire()).toBe(true);
    expect(await b.acquire()).toBe(false);
    expect(await Fence.holderOf(redis, keys, cam)).toBe(a.token);
    expect(await a.acquire()).toBe(false); // not re-entrant either: one acquire per claim
  });

  it("lets exactly one of many holders racing for a camera win", async () => {
    const cam = cameraId();
    const fences = Array.from({ length: 12 }, (_, i) => new Fence(redis, keys, cam, `w${i}`, 5000));
    const won = await Promise.all(fences.map((f) => f.acquire()));
    expect(won.filter(Boolean)).toHaveLength(1);
    expect(await Fence.holderOf(redis, keys, cam)).toBe(fences[won.indexOf(true)]!.token);
  });

  it("lets only the owner refresh, which extends the fence", async () => {
    const cam = cameraId();
    const a = new Fence(redis, keys, cam, "worker-a", 400);
    const b = new Fence(redis, keys, cam, "worker-b", 400);
    expect(await a.acquire()).toBe(true);
    expect(await b.refresh()).toBe(false);
    await Bun.sleep(250);
    expect(await a.refresh()).toBe(true);
    expect(await redis.pttl(keys.fence(cam))).toBeGreaterThan(300);
    await Bun.sleep(250); // past the first TTL: alive only because of the refresh
    expect(await Fence.holderOf(redis, keys, cam)).toBe(a.token);
  });

  it("lapses when its owner stops refreshing: another holder takes it and the old owner's refresh fails", async () => {
    const cam = cameraId();
    const a = new Fence(redis, keys, cam, "worker-a", 300);
    const b = new Fence(redis, keys, cam, "worker-b", 5000);
    expect(await a.acquire()).toBe(true);
    expect(await b.acquire()).toBe(false);
    await Bun.sleep(400);
    expect(await b.acquire()).toBe(true);
    expect(await a.refresh()).toBe(false);
    expect(await Fence.holderOf(redis, keys, cam)).toBe(b.token);
  });

  it("fails the refresh of an owner whose fence lapsed even when nobody took it", async () => {
    const cam = cameraId();
    const a = new Fence(redis, keys, cam, "worker-a", 300);
    expect(await a.acquire()).toBe(true);
    await Bun.sleep(400);
    expect(await a.refresh()).toBe(false);
    expect(await Fence.holderOf(redis, keys, cam)).toBeNull(); // a failed refresh does not re-take it
  });

  it("ignores a release by a holder that does not own the fence", async () => {
    const cam = cameraId();
    const a = new Fence(redis, keys, cam, "worker-a", 5000);
    const b = new Fence(redis, keys, cam, "worker-b", 5000);
    expect(await a.acquire()).toBe(true);
    await b.release();
    expect(await Fence.holderOf(redis, keys, cam)).toBe(a.token);
    expect(await b.acquire()).toBe(false);
  });

  it("frees the camera at once when the owner releases", async () => {
    const cam = cameraId();
    const a = new Fence(redis, keys, cam, "worker-a", 5000);
    const b = new Fence(redis, keys, cam, "worker-b", 5000);
    expect(await a.acquire()).toBe(true);
    await a.release();
    expect(await Fence.holderOf(redis, keys, cam)).toBeNull();
    expect(await b.acquire()).toBe(true);
    expect(await a.refresh()).toBe(false);
  });

  it("fences each camera separately", async () => {
    const a = new Fence(redis, keys, cameraId(), "worker-a", 5000);
    const b = new Fence(redis, keys, cameraId(), "worker-a", 5000);
    expect(await a.acquire()).toBe(true);
    expect(await b.acquire()).toBe(true);
  });
});
