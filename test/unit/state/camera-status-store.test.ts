/**
 * CameraStatusStore against a real Redis: what a holder writes is what the API reads.
 */
import { afterAll, describe, expect, it } from "bun:test";
import { CameraStatusStore, type CameraStatus } from "../../../src/state/camera-status-store.ts";
import { cameraId, testRedis } from "./redis-test-utils.ts";

const { redis, keys, cleanup } = testRedis();
const store = new CameraStatusStore(redis, keys);
afterAll(cleanup);

describe("CameraStatusStore", () => {
  it("reads idle with no error for a camera nobody wrote", async () => {
    expect(await store.read(cameraId())).toEqual({ state: "idle", since: 0, lastError: null, holder: null, consumers: {}, engine: null });
  });

  it("reads back exactly what was written", async () => {
    const cam = cameraId();
    const status: CameraStatus = {
      state: "retrying",
      since: 1_763_000_000_123,
      lastError: { name: "CameraTimeoutError", message: "camera x did not answer within 5 s", at: 1_763_000_000_100 },
      holder: "host-1:4242",
      consumers: { hls: 2, webrtc: 1 },
      engine: "rtsp",
    };
    await store.write(cam, status);
    expect(await store.read(cam)).toEqual(status);
  });

  it("keeps the fields a partial write leaves out", async () => {
    const cam = cameraId();
    await store.write(cam, { state: "connecting", since: 10, lastError: null, holder: "host-1:1", consumers: { hls: 1 } });
    await store.write(cam, { state: "live", since: 20 });
    expect(await store.read(cam)).toEqual({ state: "live", since: 20, lastError: null, holder: "host-1:1", consumers: { hls: 1 }, engine: null });
  });

  it("clears the holder and the last error when they are written as null", async () => {
    const cam = cameraId();
    await store.write(cam, { state: "live", since: 1, holder: "host-2:7", lastError: { name: "SourceLostError", message: "m", at: 1 } });
    await store.write(cam, { state: "idle", since: 2, holder: null, lastError: null });
    const s = await store.read(cam);
    expect(s.holder).toBeNull();
    expect(s.lastError).toBeNull();
  });

  it("lets each entry expire an hour after its last write", async () => {
    const cam = cameraId();
    await store.write(cam, { state: "live", since: 1 });
    const ttl = await redis.ttl(keys.cameraStatus(cam));
    expect(ttl).toBeGreaterThan(3500);
    expect(ttl).toBeLessThanOrEqual(3600);
  });

  it("reads idle again after remove", async () => {
    const cam = cameraId();
    await store.write(cam, { state: "live", since: 5, holder: "h" });
    await store.remove(cam);
    expect((await store.read(cam)).state).toBe("idle");
    expect(await redis.exists(keys.cameraStatus(cam))).toBe(0);
  });
});
