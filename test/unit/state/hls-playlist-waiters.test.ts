/**
 * Requests waiting for a playlist's edge, against a real Redis: woken by the published edge,
 * answered at once when the edge is already there, bounded in time and in number, ended with
 * the output, and all served by one subscriber connection.
 */
import { afterAll, describe, expect, it } from "bun:test";
import type Redis from "ioredis";
import { edgeHas, type HlsEdge } from "../../../src/state/hls-edge.ts";
import { HlsPlaylistWaiters } from "../../../src/state/hls-playlist-waiters.ts";
import { HlsSegmentStore } from "../../../src/state/hls-segment-store.ts";
import { cameraId, testRedis } from "./redis-test-utils.ts";

const { redis, keys, cleanup } = testRedis();
const store = new HlsSegmentStore(redis, keys);
const connections: Redis[] = [];
const waiters = new HlsPlaylistWaiters(
  () => {
    const c = redis.duplicate();
    connections.push(c);
    return c;
  },
  keys,
  (cam) => store.edge(cam),
  { maxWaiters: 50, lingerMs: 200 },
);
afterAll(async () => {
  waiters.close();
  await cleanup();
});

const edge = (msn: number, parts: number): HlsEdge => ({ run: "r", firstMsn: 0, msn, parts, lastParts: 5, targetSec: 1, partTargetSec: 0.2 });
const publish = (cam: string, e: HlsEdge) => store.update(cam, { files: [], playlist: { text: "#EXTM3U\n", edge: e } });

describe("HlsPlaylistWaiters", () => {
  it("wakes a waiter when the edge reaches its part, within milliseconds", async () => {
    const cam = cameraId();
    await publish(cam, edge(3, 1));
    const t0 = performance.now();
    const waiting = waiters.wait(cam, (e) => edgeHas(e, 3, 2), 3000);
    await Bun.sleep(100);
    await publish(cam, edge(3, 2));
    await Bun.sleep(50);
    await publish(cam, edge(3, 3));
    const r = await waiting;
    expect(r.kind).toBe("ready");
    expect(performance.now() - t0).toBeLessThan(250);
  });

  it("answers at once when the edge is already there", async () => {
    const cam = cameraId();
    await publish(cam, edge(3, 4));
    const t0 = performance.now();
    expect((await waiters.wait(cam, (e) => edgeHas(e, 3, 2), 3000)).kind).toBe("ready");
    expect(performance.now() - t0).toBeLessThan(50);
  });

  it("times out after its bound", async () => {
    const cam = cameraId();
    await publish(cam, edge(3, 1));
    const t0 = performance.now();
    expect((await waiters.wait(cam, (e) => edgeHas(e, 3, 3), 300)).kind).toBe("timeout");
    expect(performance.now() - t0).toBeGreaterThanOrEqual(290);
  });

  it("ends waiters when the output stops", async () => {
    const cam = cameraId();
    await publish(cam, edge(3, 1));
    const waiting = waiters.wait(cam, () => false, 3000);
    await Bun.sleep(50);
    await store.clear(cam, []);
    expect((await waiting).kind).toBe("ended");
  });

  it("serves many waiters of many cameras over one subscriber connection, and refuses past its bound", async () => {
    const cams = [cameraId(), cameraId(), cameraId()];
    for (const c of cams) await publish(c, edge(1, 0));
    const all = cams.flatMap((c) => Array.from({ length: 16 }, (_, i) => waiters.wait(c, (e) => e.parts > i % 4, 3000)));
    await Bun.sleep(50);
    expect(waiters.waiting).toBe(48);
    const extra = [waiters.wait(cams[0]!, () => false, 100), waiters.wait(cams[0]!, () => false, 100), waiters.wait(cams[0]!, () => false, 100)];
    expect((await extra[2]!).kind).toBe("busy");
    for (const c of cams) await publish(c, edge(1, 4));
    expect((await Promise.all(all)).every((r) => r.kind === "ready")).toBe(true);
    expect((await Promise.all(extra)).map((r) => r.kind)).toEqual(["timeout", "timeout", "busy"]);
    expect(connections).toHaveLength(1);
    expect(waiters.waiting).toBe(0);
  });

  it("drops a camera's subscription a while after its last waiter", async () => {
    const cam = cameraId();
    await publish(cam, edge(1, 4));
    await Bun.sleep(300);
    const before = waiters.subscriptions;
    await waiters.wait(cam, () => false, 50);
    expect(waiters.subscriptions).toBe(before + 1);
    await Bun.sleep(300);
    expect(waiters.subscriptions).toBe(before);
  });
});
