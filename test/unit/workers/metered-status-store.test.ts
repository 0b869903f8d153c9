/**
 * The worker's status store against a real Redis: a camera failing since its first
 * `retrying` shows in camserver_camera_retrying_since_timestamp_seconds until it is live
 * (or idle) again, through any number of `connecting` attempts.
 */
import { afterAll, expect, it } from "bun:test";
import { cameraRetryingSince } from "../../../src/metrics.ts";
import { MeteredStatusStore } from "../../../workers/metered-status-store.ts";
import { cameraId, testRedis } from "../state/redis-test-utils.ts";

const { redis, keys, cleanup } = testRedis();
afterAll(cleanup);

async function since(camera: string): Promise<number | undefined> {
  return (await cameraRetryingSince.get()).values.find((v) => v.labels.camera === camera)?.value;
}

it("keeps the time a camera started failing until it is live again", async () => {
  const store = new MeteredStatusStore(redis, keys);
  const cam = cameraId();
  await store.write(cam, { state: "connecting", since: 1000 });
  expect(await since(cam)).toBeUndefined();
  await store.write(cam, { state: "retrying", since: 2_000_000 });
  await store.write(cam, { state: "connecting", since: 2_005_000 });
  await store.write(cam, { state: "retrying", since: 2_009_000 });
  expect(await since(cam)).toBe(2000);
  expect((await store.read(cam)).state).toBe("retrying");
  await store.write(cam, { state: "live", since: 2_010_000 });
  expect(await since(cam)).toBeUndefined();
  await store.write(cam, { state: "retrying", since: 3_000_000 });
  expect(await since(cam)).toBe(3000);
  await store.write(cam, { state: "idle", since: 3_001_000 });
  expect(await since(cam)).toBeUndefined();
});
