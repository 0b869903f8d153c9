/**
 * The camera-wanted signal against a real Redis: a new lease publishes the camera id once,
 * refreshing it does not, and the leased set still lists the camera.
 */
import { afterAll, expect, it } from "bun:test";
import { cameraWantedChannel, publishCameraWanted } from "../../../src/state/camera-wanted.ts";
import { LeaseStore } from "../../../src/state/lease-store.ts";
import { cameraId, testRedis } from "./redis-test-utils.ts";

const { redis, keys, cleanup } = testRedis();
const sub = redis.duplicate();
const heard: string[] = [];
await sub.subscribe(cameraWantedChannel(keys));
sub.on("message", (_channel: string, id: string) => heard.push(id));
afterAll(async () => {
  sub.disconnect();
  await cleanup();
});

const settle = () => Bun.sleep(50);

it("publishes the camera id when a new lease is put, not when it is refreshed", async () => {
  const leases = new LeaseStore(redis, keys);
  const cam = cameraId();
  heard.length = 0;
  await leases.put(cam, "hls", "s1", Date.now() + 10_000);
  await leases.put(cam, "hls", "s1", Date.now() + 20_000);
  await settle();
  expect(heard).toEqual([cam]);
  expect(await leases.leasedCameras()).toContain(cam);
  expect(await leases.expiry(cam, "hls", "s1")).toBeGreaterThan(Date.now() + 15_000);
  await leases.put(cam, "webrtc", "v1", Date.now() + 10_000);
  await settle();
  expect(heard).toEqual([cam, cam]);
});

it("publishes on request, for a pipeline job just added", async () => {
  const cam = cameraId();
  heard.length = 0;
  expect(await publishCameraWanted(redis, keys, cam)).toBe(1);
  await settle();
  expect(heard).toEqual([cam]);
});
