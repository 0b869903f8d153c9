/**
 * The foundation end to end: a real RTSP camera (with digest auth), camserver `start`
 * against the real Redis and SQLite, real ffmpeg. Registry, on-demand HLS, shared
 * sessions, path safety, stop, and nothing left behind.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { stopAll } from "../support/background.ts";
import { eventually, ffmpegPids, startCamserver, tempDir, testPrefix, TEST_REDIS_URL, type CamserverProcess } from "../support/camserver.ts";
import { probeVideo } from "../support/ffprobe.ts";
import { startRtspCamera, type TestbedServer } from "../support/testbed.ts";

const PASSWORD = "s3cret-pw!";
let cam: TestbedServer;
let server: CamserverProcess;

beforeAll(async () => {
  cam = await startRtspCamera({ user: "admin", pass: PASSWORD });
  server = await startCamserver("start", { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: testPrefix("hls"), DATA_DIR: tempDir("hls") });
});
afterAll(async () => {
  await server?.stop();
  await stopAll();
});

describe("camera registry", () => {
  it("moves credentials out of source_url and never returns the password", async () => {
    const url = `rtsp://admin:${encodeURIComponent(PASSWORD)}@127.0.0.1:${cam.port}/stream1`;
    const r = await server.call("POST", "/v1/cameras", { id: "cam_2f_19", name: "Hall", source_url: url });
    expect(r.status).toBe(201);
    expect(r.json.source_url).toBe(`rtsp://127.0.0.1:${cam.port}/stream1`);
    expect(r.json.username).toBe("admin");
    expect(r.json.has_password).toBe(true);
    expect(r.text).not.toContain(PASSWORD);
    const list = await server.call("GET", "/v1/cameras");
    expect(list.json.map((c: { id: string }) => c.id)).toContain("cam_2f_19");
    expect(list.text).not.toContain(PASSWORD);
  });

  it("changes a camera with PATCH and rejects a duplicate id with 409", async () => {
    const p = await server.call("PATCH", "/v1/cameras/cam_2f_19", { name: "Hallway" });
    expect(p.status).toBe(200);
    expect(p.json.name).toBe("Hallway");
    const dup = await server.call("POST", "/v1/cameras", { id: "cam_2f_19", name: "x", source_url: "rtsp://127.0.0.1:1/x" });
    expect(dup.status).toBe(409);
  });

  it("refuses /v1 without the bearer token", async () => {
    const r = await fetch(`${server.base}/v1/cameras`);
    expect(r.status).toBe(401);
  });
});

describe("on-demand HLS", () => {
  let sessionId = "";
  let expiresAt = "";

  it("answers a start once the playlist has a segment, and the segment is the camera's H.264", async () => {
    const r = await server.call("POST", "/v1/streams/start", { camera_id: "cam_2f_19" });
    expect(r.status).toBe(200);
    expect(Object.keys(r.json).sort()).toEqual(["expires_at", "hls_url", "session_id"]);
    sessionId = r.json.session_id;
    expiresAt = r.json.expires_at;
    expect(r.json.hls_url).toBe(`/hls/${sessionId}/index.m3u8`);
    const pl = await fetch(`${server.base}${r.json.hls_url}`);
    expect(pl.status).toBe(200);
    expect(pl.headers.get("content-type")).toContain("mpegurl");
    const text = await pl.text();
    const segments = text.split("\n").filter((l) => l.endsWith(".ts"));
    expect(segments.length).toBeGreaterThanOrEqual(1);
    const seg = await fetch(`${server.base}/hls/${sessionId}/${segments[0]}`);
    expect(seg.status).toBe(200);
    expect(probeVideo(new Uint8Array(await seg.arrayBuffer()))).toBe("h264,1280,720");
  });

  it("shares one session between viewers of a camera and extends its TTL on a new start", async () => {
    await Bun.sleep(1100);
    const r = await server.call("POST", "/v1/streams/start", { camera_id: "cam_2f_19" });
    expect(r.json.session_id).toBe(sessionId);
    expect(Date.parse(r.json.expires_at)).toBeGreaterThan(Date.parse(expiresAt));
    const list = await server.call("GET", "/v1/streams");
    expect(list.json).toHaveLength(1);
    expect(list.json[0].camera_id).toBe("cam_2f_19");
  });

  it("keeps one source ffmpeg for the camera however many starts there are", async () => {
    await Promise.all([1, 2, 3].map(() => server.call("POST", "/v1/streams/start", { camera_id: "cam_2f_19" })));
    expect(ffmpegPids(`127.0.0.1:${cam.port}`)).toHaveLength(1);
  });

  it("shows the camera live with its HLS consumer and holder", async () => {
    const r = await server.call("GET", "/v1/cameras/cam_2f_19");
    expect(r.json.state).toBe("live");
    expect(r.json.consumers).toEqual({ hls: 1 });
    expect(typeof r.json.holder).toBe("string");
  });

  it("answers 404 for paths outside the session's own files", async () => {
    for (const p of [`/hls/${sessionId}/..%2F..%2Fetc%2Fpasswd`, `/hls/${sessionId}/other.ts`, `/hls/${sessionId}/a/b.ts`, `/hls/nope/index.m3u8`, `/hls/${sessionId}/index.m3u8.bak`]) {
      const r = await fetch(`${server.base}${p}`);
      expect(r.status).toBe(404);
    }
  });

  it("stops the session: lease gone, ffmpeg gone after the grace period, segments deleted", async () => {
    const r = await server.call("POST", "/v1/streams/stop", { session_id: sessionId });
    expect(r.json).toEqual({ status: "stopped" });
    expect((await fetch(`${server.base}/hls/${sessionId}/index.m3u8`)).status).toBe(404);
    expect((await server.call("GET", "/v1/streams")).json).toEqual([]);
    expect(await eventually(() => ffmpegPids(`127.0.0.1:${cam.port}`).length === 0, 6000)).toBe(true);
    expect(await eventually(async () => (await server.call("GET", "/v1/cameras/cam_2f_19")).json.state === "idle", 3000)).toBe(true);
    const stopAgain = await server.call("POST", "/v1/streams/stop", { session_id: sessionId });
    expect(stopAgain.status).toBe(404);
  });

  it("never writes the camera password into its logs", () => {
    expect(server.output()).not.toContain(PASSWORD);
    expect(server.output()).not.toContain(encodeURIComponent(PASSWORD));
  });

  it("deletes a camera and stops its pipeline", async () => {
    await server.call("POST", "/v1/streams/start", { camera_id: "cam_2f_19" });
    expect(ffmpegPids(`127.0.0.1:${cam.port}`)).toHaveLength(1);
    const del = await server.call("DELETE", "/v1/cameras/cam_2f_19");
    expect(del.status).toBe(204);
    expect(await eventually(() => ffmpegPids(`127.0.0.1:${cam.port}`).length === 0, 3000)).toBe(true);
    expect((await server.call("GET", "/v1/cameras/cam_2f_19")).status).toBe(404);
  });
});
