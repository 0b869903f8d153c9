/**
 * LeaseStore against a real Redis: leases are ZSET members scored by expiry, counted by
 * kind with expired ones dropped, touched with a cap, released one by one or all at once.
 */
import { afterAll, describe, expect, it } from "bun:test";
import { LeaseStore } from "../../../src/state/lease-store.ts";
import { cameraId, testRedis } from "./redis-test-utils.ts";

const { redis, keys, cleanup } = testRedis();
const leases = new LeaseStore(redis, keys);
afterAll(cleanup);

describe("LeaseStore", () => {
  it("puts a lease that expires at the given time and registers the camera as leased", async () => {
    const cam = cameraId();
    const at = Date.now() + 60_000;
    await leases.put(cam, "hls", "s1", at);
    expect(await leases.expiry(cam, "hls", "s1")).toBe(at);
    expect(await leases.leasedCameras()).toContain(cam);
  });

  it("lists the ids of a camera's unexpired leases of one kind", async () => {
    const cam = cameraId();
    const at = Date.now() + 60_000;
    await leases.put(cam, "record", "rec_a", at);
    await leases.put(cam, "record", "rec_b", at);
    await leases.put(cam, "record", "rec_old", Date.now() - 1);
    await leases.put(cam, "hls", "rec_c", at);
    expect((await leases.members(cam, "record")).sort()).toEqual(["rec_a", "rec_b"]);
    expect(await leases.members(cam, "webrtc")).toEqual([]);
  });

  it("replaces a lease put twice instead of adding a second one", async () => {
    const cam = cameraId();
    await leases.put(cam, "webrtc", "v1", Date.now() + 10_000);
    const later = Date.now() + 20_000;
    await leases.put(cam, "webrtc", "v1", later);
    expect(await leases.expiry(cam, "webrtc", "v1")).toBe(later);
    expect((await leases.count(cam)).total).toBe(1);
  });

  it("counts a camera's leases by kind, without other cameras' leases", async () => {
    const cam = cameraId();
    const other = cameraId();
    const at = Date.now() + 60_000;
    await leases.put(cam, "hls", "a", at);
    await leases.put(cam, "hls", "b", at);
    await leases.put(cam, "webrtc", "a", at); // same id, other kind: a lease of its own
    await leases.put(cam, "record", "r", at);
    await leases.put(other, "snapshot", "x", at);
    expect(await leases.count(cam)).toEqual({ total: 4, byKind: { hls: 2, webrtc: 1, record: 1 } });
    expect(await leases.count(cameraId())).toEqual({ total: 0, byKind: {} });
  });

  it("drops expired leases when counting", async () => {
    const cam = cameraId();
    await leases.put(cam, "snapshot", "old", Date.now() - 1);
    await leases.put(cam, "hls", "soon", Date.now() + 150);
    await leases.put(cam, "hls", "live", Date.now() + 60_000);
    expect(await leases.count(cam)).toEqual({ total: 2, byKind: { hls: 2 } });
    expect(await redis.zscore(keys.leases(cam), "snapshot:old")).toBeNull();
    await Bun.sleep(200);
    expect(await leases.count(cam)).toEqual({ total: 1, byKind: { hls: 1 } });
    expect(await leases.expiry(cam, "hls", "soon")).toBeUndefined();
  });

  it("extends a lease to now + extendMs on touch", async () => {
    const cam = cameraId();
    await leases.put(cam, "hls", "s", Date.now() + 300);
    const before = Date.now();
    expect(await leases.touch(cam, "hls", "s", 5000, 0)).toBe(true);
    const at = (await leases.expiry(cam, "hls", "s"))!;
    expect(at).toBeGreaterThanOrEqual(before + 5000);
    expect(at).toBeLessThanOrEqual(Date.now() + 5000);
  });

  it("never extends a lease past its cap on touch", async () => {
    const cam = cameraId();
    const cap = Date.now() + 1000;
    await leases.put(cam, "hls", "s", Date.now() + 300);
    expect(await leases.touch(cam, "hls", "s", 60_000, cap)).toBe(true);
    expect(await leases.expiry(cam, "hls", "s")).toBe(cap);
  });

  it("does not create a lease on touch: it answers false for an unknown or released lease", async () => {
    const cam = cameraId();
    expect(await leases.touch(cam, "hls", "never", 5000, 0)).toBe(false);
    await leases.put(cam, "hls", "gone", Date.now() + 5000);
    await leases.release(cam, "hls", "gone");
    expect(await leases.touch(cam, "hls", "gone", 5000, 0)).toBe(false);
    expect(await leases.expiry(cam, "hls", "gone")).toBeUndefined();
    expect((await leases.count(cam)).total).toBe(0);
  });

  it("answers undefined for the expiry of a lease that has expired but was not yet dropped", async () => {
    const cam = cameraId();
    await leases.put(cam, "record", "r", Date.now() - 5);
    expect(await leases.expiry(cam, "record", "r")).toBeUndefined();
  });

  it("releases one lease and leaves the others", async () => {
    const cam = cameraId();
    await leases.put(cam, "hls", "a", Date.now() + 60_000);
    await leases.put(cam, "webrtc", "b", Date.now() + 60_000);
    await leases.release(cam, "hls", "a");
    expect(await leases.count(cam)).toEqual({ total: 1, byKind: { webrtc: 1 } });
  });

  it("releases every lease of a camera at once and forgets the camera", async () => {
    const cam = cameraId();
    const other = cameraId();
    for (const k of ["hls", "webrtc", "record"] as const) await leases.put(cam, k, "x", Date.now() + 60_000);
    await leases.put(other, "hls", "x", Date.now() + 60_000);
    await leases.releaseAll(cam);
    expect((await leases.count(cam)).total).toBe(0);
    expect(await leases.leasedCameras()).not.toContain(cam);
    expect((await leases.count(other)).total).toBe(1);
    expect(await leases.leasedCameras()).toContain(other);
  });

  it("forgets a camera in the leased set only once its leases have all expired", async () => {
    const cam = cameraId();
    await leases.put(cam, "hls", "a", Date.now() + 150);
    await leases.forgetIfEmpty(cam);
    expect(await leases.leasedCameras()).toContain(cam);
    await Bun.sleep(200);
    await leases.forgetIfEmpty(cam);
    expect(await leases.leasedCameras()).not.toContain(cam);
    expect(await redis.exists(keys.leases(cam))).toBe(0);
  });
});
