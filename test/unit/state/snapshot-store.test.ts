/** SnapshotStore against a real Redis: a slot keeps the newest JPEG, also when two puts race. */
import { afterAll, describe, expect, it } from "bun:test";
import { SnapshotStore } from "../../../src/state/snapshot-store.ts";
import { cameraId, testRedis } from "./redis-test-utils.ts";

const { redis, keys, cleanup } = testRedis();
afterAll(cleanup);
const store = new SnapshotStore(redis, keys);
const jpeg = (tag: number) => Uint8Array.of(0xff, 0xd8, 0x00, 0x80, tag, 0xff, 0xd9);

describe("SnapshotStore", () => {
  it("stores the JPEG's bytes exactly, with the time of its keyframe", async () => {
    const cam = cameraId();
    await store.put(cam, "latest", jpeg(1), 1000);
    const got = await store.get(cam, "latest");
    expect(got?.at).toBe(1000);
    expect([...got!.jpeg]).toEqual([...jpeg(1)]);
    expect(await store.get(cam, "polled")).toBeUndefined();
  });

  it("keeps the newer JPEG when the older one's put is sent second, at once (two workers racing)", async () => {
    const cam = cameraId();
    await Promise.all([store.put(cam, "latest", jpeg(2), 2000), store.put(cam, "latest", jpeg(1), 1000)]);
    const got = await store.get(cam, "latest");
    expect(got?.at).toBe(2000);
    expect([...got!.jpeg]).toEqual([...jpeg(2)]);
  });

  it("replaces a JPEG with a newer one, and one of the same keyframe", async () => {
    const cam = cameraId();
    await store.put(cam, "polled", jpeg(1), 1000);
    await store.put(cam, "polled", jpeg(2), 2000);
    await store.put(cam, "polled", jpeg(3), 2000);
    expect([...(await store.get(cam, "polled"))!.jpeg]).toEqual([...jpeg(3)]);
  });
});
