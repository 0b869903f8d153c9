/**
 * Snapshots without extra camera connections: from the live pipeline's keyframe, cold
 * with a short lease, cached with max_age_ms, periodic polling, and the errors of a hung
 * or refusing camera. The connection counter in front of the camera proves the count.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import Redis from "ioredis";
import { existsSync } from "node:fs";
import { stopAll } from "../support/background.ts";
import { eventually, ffmpegPids, startCamserver, tempDir, testPrefix, TEST_REDIS_URL, type CamserverProcess } from "../support/camserver.ts";
import { probeVideo } from "../support/ffprobe.ts";
import { freePort } from "../support/ports.ts";
import { startBlackhole, startConnCounter, startRtspCamera, type TestbedServer } from "../support/testbed.ts";

let cam: TestbedServer;
let counter: TestbedServer;
let server: CamserverProcess;
const dataDir = tempDir("snap");
const statsFile = `${dataDir}/conn.json`;
const prefix = testPrefix("snap");
/** Keyframes keep going to Redis this long after the last snapshot request, ms. */
const LINGER_MS = 3000;
let redis: Redis;

beforeAll(async () => {
  cam = await startRtspCamera();
  counter = await startConnCounter(`127.0.0.1:${cam.port}`, statsFile);
  server = await startCamserver("start", { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, DATA_DIR: dataDir, SNAPSHOT_LINGER_MS: String(LINGER_MS) });
  await server.call("POST", "/v1/cameras", { id: "door", name: "Door", source_url: `rtsp://127.0.0.1:${counter.port}/stream1` });
  redis = new Redis(TEST_REDIS_URL);
});
afterAll(async () => {
  redis?.disconnect();
  await server?.stop();
  await stopAll();
});

const stats = async () => JSON.parse(await Bun.file(statsFile).text()) as { current: number; max_concurrent: number; total_connections: number };
const ffmpegs = () => ffmpegPids(`127.0.0.1:${counter.port}/`);

async function snapshot(query = ""): Promise<{ status: number; bytes: Uint8Array; at: string | null; type: string | null }> {
  const r = await fetch(`${server.base}/v1/cameras/door/snapshot${query}`, { headers: { authorization: "Bearer test-token-0123456789" } });
  return { status: r.status, bytes: new Uint8Array(await r.arrayBuffer()), at: r.headers.get("x-snapshot-at"), type: r.headers.get("content-type") };
}

describe("snapshots", () => {
  it("takes a cold snapshot with a short lease, then closes the camera after the grace period", async () => {
    const s = await snapshot();
    expect(s.status).toBe(200);
    expect(s.type).toBe("image/jpeg");
    expect(probeVideo(s.bytes)).toBe("mjpeg,1280,720");
    expect(await eventually(async () => (await stats()).current === 0 && ffmpegs().length === 0, 8000)).toBe(true);
    expect((await stats()).total_connections).toBe(1);
  });

  it("takes snapshots of a live camera from its cached keyframe without a new connection", async () => {
    const st = await server.call("POST", "/v1/streams/start", { camera_id: "door" });
    expect(st.status).toBe(200);
    const before = (await stats()).total_connections;
    const shots = await Promise.all(Array.from({ length: 20 }, () => snapshot()));
    for (const s of shots) {
      expect(s.status).toBe(200);
      expect(s.bytes[0]).toBe(0xff);
      expect(s.bytes[1]).toBe(0xd8);
    }
    const after = await stats();
    expect(after.total_connections).toBe(before);
    expect(after.max_concurrent).toBe(1);
    expect(after.current).toBe(1);
    expect(ffmpegs()).toHaveLength(0); // the native RTSP source runs no child
    await server.call("POST", "/v1/streams/stop", { session_id: st.json.session_id });
  });

  it("copies a live camera's keyframes to Redis only while snapshots are asked for", async () => {
    const keyframeKey = `${prefix}:keyframe:door`;
    const st = await server.call("POST", "/v1/streams/start", { camera_id: "door" });
    expect(st.status).toBe(200);
    expect(await eventually(async () => (await server.call("GET", "/v1/cameras/door")).json.state === "live", 10_000)).toBe(true);
    await Bun.sleep(LINGER_MS + 1500); // a snapshot of the test before lingers this long
    expect(await redis.exists(keyframeKey)).toBe(0);
    // The snapshot's lease makes the holder publish (its cached keyframe first).
    const first = await snapshot();
    expect(first.status).toBe(200);
    expect(first.bytes[0]).toBe(0xff);
    expect(await redis.exists(keyframeKey)).toBe(1);
    // Lingering: the keyframe stays while asked for, then goes.
    expect(await eventually(async () => (await redis.exists(keyframeKey)) === 0, LINGER_MS + 5000)).toBe(true);
    await server.call("POST", "/v1/streams/stop", { session_id: st.json.session_id });
  }, 30_000);

  it("returns a young enough cached JPEG for max_age_ms without decoding again", async () => {
    const first = await snapshot();
    const cached = await snapshot("?max_age_ms=60000");
    expect(cached.status).toBe(200);
    expect(cached.at).toBe(first.at);
    expect((await snapshot("?max_age_ms=abc")).status).toBe(422);
  });

  it("polls on a schedule and serves the latest polled JPEG without touching the camera", async () => {
    expect((await server.call("GET", "/v1/cameras/door/snapshot/latest")).status).toBe(404);
    const p = await server.call("PATCH", "/v1/cameras/door", { snapshot_interval_s: 1 });
    expect(p.json.snapshot_interval_s).toBe(1);
    expect(await eventually(async () => (await server.call("GET", "/v1/cameras/door/snapshot/latest")).status === 200, 8000)).toBe(true);
    expect(existsSync(`${dataDir}/snapshots/door.jpg`)).toBe(true);
    const r = await fetch(`${server.base}/v1/cameras/door/snapshot/latest`, { headers: { authorization: "Bearer test-token-0123456789" } });
    expect(r.headers.get("content-type")).toBe("image/jpeg");
    expect((await stats()).max_concurrent).toBe(1);
    await server.call("PATCH", "/v1/cameras/door", { snapshot_interval_s: 0 });
    expect(await eventually(async () => (await stats()).current === 0 && ffmpegs().length === 0, 10_000)).toBe(true);
  }, 30_000);
});

describe("snapshot errors", () => {
  it("answers 504 for a hung camera within its timeout and 502 for a refusing one, leaving no process", async () => {
    const hole = await startBlackhole();
    const closed = freePort();
    await server.call("POST", "/v1/cameras", { id: "hung", name: "Hung", source_url: hole.url });
    await server.call("POST", "/v1/cameras", { id: "gone", name: "Gone", source_url: `rtsp://127.0.0.1:${closed}/x` });
    const t0 = performance.now();
    const hung = await server.call("GET", "/v1/cameras/hung/snapshot");
    expect(hung.status).toBe(504);
    expect(performance.now() - t0).toBeLessThan(6000);
    const gone = await server.call("GET", "/v1/cameras/gone/snapshot");
    expect(gone.status).toBe(502);
    expect(await eventually(() => ffmpegPids(`127.0.0.1:${hole.port}/`).length + ffmpegPids(`127.0.0.1:${closed}/`).length === 0, 8000)).toBe(true);
  }, 30_000);
});
