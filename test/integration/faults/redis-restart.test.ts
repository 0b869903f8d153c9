/**
 * Redis restarted under a running camserver `start` with a live HLS session: while it is
 * away requests answer 503 naming Redis (no hang, no 500); within 5 s of its return a new
 * stream start, a playlist and a snapshot work again; no ffmpeg is left behind and the
 * camera is never connected twice at once. Uses a private redis-server on a free port.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { readFileSync } from "node:fs";
import { startBackground, stopAll, type Background } from "../../support/background.ts";
import { eventually, ffmpegPids, startCamserver, tempDir, testPrefix, type CamserverProcess } from "../../support/camserver.ts";
import { freePort } from "../../support/ports.ts";
import { startConnCounter, startRtspCamera, type TestbedServer } from "../../support/testbed.ts";

const redisPort = freePort();
const redisDir = tempDir("redis-restart-db");
let redis: Background;
let cam: TestbedServer;
let counter: TestbedServer;
const counts = `${tempDir("redis-restart")}/conn.json`;
let server: CamserverProcess;

/** Starts the private redis-server (no persistence) and waits until it accepts connections. */
async function startRedis(): Promise<Background> {
  const bg = startBackground(["redis-server", "--port", String(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", redisDir]);
  await bg.waitFor(/Ready to accept connections/);
  return bg;
}

/** A request that must answer within `ms` (a hang fails the test). */
async function timed(path: string, ms = 3000, method = "GET", body?: unknown) {
  return Promise.race([
    server.call(method, path, body),
    Bun.sleep(ms).then(() => ({ status: -1, json: undefined, text: `no answer within ${ms} ms`, headers: new Headers() })),
  ]);
}

beforeAll(async () => {
  redis = await startRedis();
  cam = await startRtspCamera();
  counter = await startConnCounter(`127.0.0.1:${cam.port}`, counts);
  server = await startCamserver("start", {
    REDIS_URL: `redis://127.0.0.1:${redisPort}`,
    REDIS_PREFIX: testPrefix("redis-restart"),
    DATA_DIR: tempDir("redis-restart-data"),
  });
  const r = await server.call("POST", "/v1/cameras", { id: "cam", name: "cam", source_url: `rtsp://127.0.0.1:${counter.port}/stream1` });
  expect(r.status).toBe(201);
}, 40_000);
afterAll(async () => {
  await server?.stop();
  await stopAll();
});

describe("Redis restarted mid-stream", () => {
  it("answers 503 naming Redis while it is away and works again within 5 s of its return", async () => {
    const s = await server.call("POST", "/v1/streams/start", { camera_id: "cam" });
    expect(s.status).toBe(200);
    expect(await eventually(async () => (await fetch(`${server.base}${s.json.hls_url}`)).status === 200, 15_000)).toBe(true);

    await redis.stop();
    await Bun.sleep(500);
    for (const [method, path, body] of [
      ["GET", "/v1/cameras"],
      ["POST", "/v1/streams/start", { camera_id: "cam" }],
      ["GET", s.json.hls_url],
      ["GET", "/v1/cameras/cam/snapshot"],
    ] as const) {
      const r = await timed(path, 3000, method, body);
      expect(`${path} ${r.status}`).toBe(`${path} 503`);
      expect(r.text).toMatch(/Redis/);
    }
    await Bun.sleep(3000); // away for a while: holders and reconnect loops see it too

    redis = await startRedis();
    const back = Date.now();
    let started: any;
    const recovered = await eventually(async () => {
      const r = await timed("/v1/streams/start", 2000, "POST", { camera_id: "cam" });
      if (r.status !== 200) return false;
      started = r.json;
      return true;
    }, 5000);
    expect(recovered).toBe(true);
    const playlist = await eventually(async () => (await timed(started.hls_url, 2000)).status === 200, 5000 - (Date.now() - back));
    expect(playlist).toBe(true);
    const snap = await eventually(async () => (await timed("/v1/cameras/cam/snapshot", 2000)).status === 200, Math.max(500, 5000 - (Date.now() - back)));
    expect(snap).toBe(true);
    console.log(`recovered in ${Date.now() - back} ms after Redis came back`);

    await server.call("POST", "/v1/streams/stop", { session_id: started.session_id });
    await server.call("POST", "/v1/streams/stop", { session_id: s.json.session_id });
    expect(await eventually(() => ffmpegPids(`127.0.0.1:${counter.port}/`).length === 0, 8000)).toBe(true);
    expect(JSON.parse(readFileSync(counts, "utf8")).max_concurrent).toBe(1);
  }, 60_000);
});
