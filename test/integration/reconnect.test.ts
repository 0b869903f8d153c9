/**
 * Reconnects and stalls with the tests' fault proxy: a dropped connection and a
 * frozen one are reconnected while leases exist, the HLS session goes on after the gap
 * with EXT-X-DISCONTINUITY, and a camera that fails its very first attempt is retried
 * with backoff. Never more than one ffmpeg for the camera at a time.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import Redis from "ioredis";
import { Keys } from "../../src/state/keys.ts";
import { LeaseStore } from "../../src/state/lease-store.ts";
import { stopAll } from "../support/background.ts";
import { eventually, ffmpegPids, startCamserver, tempDir, testPrefix, TEST_REDIS_URL, type CamserverProcess } from "../support/camserver.ts";
import { freePort } from "../support/ports.ts";
import { startFlakyCamera, startRtspCamera, type TestbedServer } from "../support/testbed.ts";

let cam: TestbedServer;
let server: CamserverProcess;
const prefix = testPrefix("reconnect");
const redis = new Redis(TEST_REDIS_URL);

beforeAll(async () => {
  cam = await startRtspCamera();
  server = await startCamserver("start", { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, DATA_DIR: tempDir("reconnect") });
});
afterAll(async () => {
  await server?.stop();
  await stopAll();
  redis.disconnect();
});

/** Watches a session's playlist: the highest media sequence seen, discontinuities, max ffmpeg count. */
async function watch(hlsUrl: string, port: number, ms: number) {
  let maxFfmpeg = 0;
  let sawDiscontinuity = false;
  let lastSeq = -1;
  let failures = 0;
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const r = await fetch(`${server.base}${hlsUrl}`);
    if (r.status === 200) {
      const text = await r.text();
      sawDiscontinuity ||= text.includes("#EXT-X-DISCONTINUITY");
      // The media sequence number of the newest segment listed (the window holds 6 segments).
      const segments = text.split("\n").filter((l) => l.startsWith("#EXTINF")).length;
      lastSeq = Math.max(lastSeq, Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(text)?.[1] ?? -1) + segments - 1);
    } else failures++;
    maxFfmpeg = Math.max(maxFfmpeg, ffmpegPids(`127.0.0.1:${port}/`).length);
    await Bun.sleep(250);
  }
  return { maxFfmpeg, sawDiscontinuity, lastSeq, failures };
}

async function cameraFor(id: string, extra: string[]): Promise<TestbedServer> {
  const flaky = await startFlakyCamera(`127.0.0.1:${cam.port}`, extra);
  const r = await server.call("POST", "/v1/cameras", { id, name: id, source_url: `rtsp://127.0.0.1:${flaky.port}/stream1` });
  expect(r.status).toBe(201);
  return flaky;
}

describe("reconnects", () => {
  it("reconnects a dropped camera and the HLS session goes on after the gap, marked as a discontinuity", async () => {
    const flaky = await cameraFor("dropper", ["--mode", "drop", "--after", "3", "--faults", "1"]);
    const s = await server.call("POST", "/v1/streams/start", { camera_id: "dropper" });
    expect(s.status).toBe(200);
    const w = await watch(s.json.hls_url, flaky.port, 10_000);
    expect(w.failures).toBe(0);
    expect(w.sawDiscontinuity).toBe(true);
    expect(w.lastSeq).toBeGreaterThanOrEqual(5);
    expect(w.maxFfmpeg).toBeLessThanOrEqual(1); // the native source runs none
    await server.call("POST", "/v1/streams/stop", { session_id: s.json.session_id });
  }, 30_000);

  it("kills a frozen stream after the 5 s stall timeout and reconnects", async () => {
    const flaky = await cameraFor("freezer", ["--mode", "stall", "--after", "3", "--faults", "1"]);
    const s = await server.call("POST", "/v1/streams/start", { camera_id: "freezer" });
    expect(s.status).toBe(200);
    const w = await watch(s.json.hls_url, flaky.port, 14_000);
    expect(w.failures).toBe(0);
    expect(w.sawDiscontinuity).toBe(true);
    expect(w.maxFfmpeg).toBeLessThanOrEqual(1); // the native source runs none
    const cam = await server.call("GET", "/v1/cameras/freezer");
    expect(cam.json.state).toBe("live");
    expect(cam.json.last_error.message).toMatch(/stall|ended/);
    await server.call("POST", "/v1/streams/stop", { session_id: s.json.session_id });
  }, 30_000);

  it("retries a camera that fails its very first attempt while a lease wants it", async () => {
    const flaky = await cameraFor("late", ["--mode", "reset", "--after", "0", "--faults", "2"]);
    const leases = new LeaseStore(redis, new Keys(prefix));
    await leases.put("late", "snapshot", "test", Date.now() + 20_000);
    const states = new Set<string>();
    const live = await eventually(async () => {
      const st = (await server.call("GET", "/v1/cameras/late")).json.state;
      states.add(st);
      return st === "live";
    }, 15_000);
    expect(live).toBe(true);
    expect(states.has("retrying")).toBe(true);
    expect((await server.call("GET", "/v1/cameras/late")).json.last_error).not.toBeNull();
    await leases.release("late", "snapshot", "test");
    expect(await eventually(() => ffmpegPids(`127.0.0.1:${flaky.port}/`).length === 0, 6000)).toBe(true);
  }, 30_000);

  it("cuts a retry backoff short when one lease ends in the same tick as a new one arrives", async () => {
    // Nothing listens on the port: every attempt is refused at once and the backoff doubles.
    const r = await server.call("POST", "/v1/cameras", { id: "refuser", name: "refuser", source_url: `rtsp://127.0.0.1:${freePort()}/stream1` });
    expect(r.status).toBe(201);
    const keys = new Keys(prefix);
    const failures = new Set<string>();
    const lastFailure = async () => (await server.call("GET", "/v1/cameras/refuser")).json.last_error?.at as string | undefined;
    await new LeaseStore(redis, keys).put("refuser", "snapshot", "first", Date.now() + 60_000);
    // Failures at about 0, 1, 3 and 7 s: the next wait is 8 s.
    expect(await eventually(async () => failures.add((await lastFailure()) ?? "").size >= 5, 20_000)).toBe(true);
    // One request's lease ends and the next one's arrives at once: the count stays 1.
    const swappedAt = Date.now();
    await redis
      .multi()
      .zrem(keys.leases("refuser"), "snapshot:first")
      .zadd(keys.leases("refuser"), Date.now() + 60_000, "snapshot:second")
      .exec();
    const before = await lastFailure();
    expect(await eventually(async () => (await lastFailure()) !== before, 6000)).toBe(true);
    expect(Date.now() - swappedAt).toBeLessThan(3000);
    await redis.del(keys.leases("refuser"));
  }, 40_000);
});
