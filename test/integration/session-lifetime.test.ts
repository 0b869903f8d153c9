/**
 * A session ends by itself: after the idle timeout without a playlist fetch, or at
 * expires_at however much it is watched. Then its lease goes, the pipeline stops after
 * the grace period and ffmpeg is gone. Also: an H.265 camera is re-encoded to H.264.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { stopAll } from "../support/background.ts";
import { eventually, ffmpegPids, startCamserver, tempDir, testPrefix, TEST_REDIS_URL, type CamserverProcess } from "../support/camserver.ts";
import { probeVideo } from "../support/ffprobe.ts";
import { clipsDir, startRtspCamera, type TestbedServer } from "../support/testbed.ts";

let cam: TestbedServer;
let hevc: TestbedServer;
let server: CamserverProcess;

beforeAll(async () => {
  [cam, hevc] = await Promise.all([startRtspCamera(), startRtspCamera({ clip: `${clipsDir()}/cam720-hevc.mp4` })]);
  server = await startCamserver("start", {
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: testPrefix("ttl"),
    DATA_DIR: tempDir("ttl"),
    SESSION_TTL_SEC: "10",
    HLS_IDLE_TIMEOUT_SEC: "5",
  });
  await server.call("POST", "/v1/cameras", { id: "c1", name: "One", source_url: cam.url });
  await server.call("POST", "/v1/cameras", { id: "h265", name: "HEVC", source_url: hevc.url });
});
afterAll(async () => {
  await server?.stop();
  await stopAll();
});

/** The camera's upstream connections: established TCP connections to its port (the native source runs no ffmpeg). */
const camFfmpeg = () =>
  Bun.spawnSync(["ss", "-Htn", "state", "established", `( dport = :${cam.port} )`])
    .stdout.toString()
    .split("\n")
    .filter((l) => l.trim());

describe("session lifetime", () => {
  it("ends a session nobody fetches after the idle timeout, then stops ffmpeg after the grace period", async () => {
    const started = Date.now();
    const r = await server.call("POST", "/v1/streams/start", { camera_id: "c1" });
    expect(r.status).toBe(200);
    expect(camFfmpeg()).toHaveLength(1);
    expect(await eventually(() => camFfmpeg().length === 0, 12_000)).toBe(true);
    // idle timeout 5 s + grace 2 s from the session's creation, not earlier
    expect(Date.now() - started).toBeGreaterThan(6500);
    expect((await fetch(`${server.base}${r.json.hls_url}`)).status).toBe(404);
    expect((await server.call("GET", "/v1/streams")).json).toEqual([]);
  });

  it("ends a watched session at expires_at", async () => {
    const r = await server.call("POST", "/v1/streams/start", { camera_id: "c1" });
    const expiresAt = Date.parse(r.json.expires_at);
    let lastOk = 0;
    while (Date.now() < expiresAt + 3000) {
      const pl = await fetch(`${server.base}${r.json.hls_url}`);
      if (pl.status === 200) lastOk = Date.now();
      await Bun.sleep(500);
    }
    expect(lastOk).toBeGreaterThan(expiresAt - 1500);
    expect(lastOk).toBeLessThanOrEqual(expiresAt + 100);
    expect(await eventually(() => camFfmpeg().length === 0, 5000)).toBe(true);
  }, 30_000);
});

describe("codecs", () => {
  it("re-encodes an H.265 camera to H.264 for HLS", async () => {
    const r = await server.call("POST", "/v1/streams/start", { camera_id: "h265" });
    expect(r.status).toBe(200);
    const text = await (await fetch(`${server.base}${r.json.hls_url}`)).text();
    const seg = text.split("\n").find((l) => /^[a-z0-9]+_\d+\.m4s$/.test(l))!;
    const file = async (name: string) => Buffer.from(await (await fetch(`${server.base}/hls/${r.json.session_id}/${name}`)).arrayBuffer());
    // An fMP4 segment decodes after its init segment (EXT-X-MAP).
    const bytes = Buffer.concat([await file(/#EXT-X-MAP:URI="([^"]+)"/.exec(text)![1]!), await file(seg)]);
    expect(probeVideo(bytes)).toBe("h264,1280,720");
    await server.call("POST", "/v1/streams/stop", { session_id: r.json.session_id });
    expect(await eventually(() => ffmpegPids(`127.0.0.1:${hevc.port}`).length === 0, 6000)).toBe(true);
  }, 40_000);
});
