/**
 * The foundation end to end: a real RTSP camera (with digest auth), camserver `start`
 * against the real Redis and SQLite. Registry, on-demand HLS (fMP4 segments and LL-HLS
 * parts made in-process, decoded here by ffprobe), LL-HLS delivery directives (blocking
 * playlist reload, the preload-hinted part, 400 and 503 answers), shared sessions, path
 * safety, stop, and nothing left behind.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import Redis from "ioredis";
import { stopAll } from "../support/background.ts";
import { eventually, ffmpegPids, startCamserver, tempDir, testPrefix, TEST_REDIS_URL, type CamserverProcess } from "../support/camserver.ts";
import { probeVideo } from "../support/ffprobe.ts";
import { startRtspCamera, type TestbedServer } from "../support/testbed.ts";

const PASSWORD = "s3cret-pw!";
const prefix = testPrefix("hls");
const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
let cam: TestbedServer;
let server: CamserverProcess;

/** Frames ffprobe decodes from `bytes` as `pict_type,key_frame` ("I,1"), and what it said on stderr. */
function decodeFrames(bytes: Uint8Array): { types: string[]; errors: string } {
  const r = Bun.spawnSync(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "frame=pict_type,key_frame", "-of", "csv=p=0", "-"], {
    stdin: bytes,
    timeout: 20_000,
  });
  const types = r.stdout
    .toString()
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((l) => l.split(",").reverse().join(","));
  return { types, errors: r.stderr.toString().trim() };
}

/** Run id, media sequence number and part index of the playlist's EXT-X-PRELOAD-HINT. */
function hinted(text: string): { run: string; msn: number; part: number } {
  const m = /#EXT-X-PRELOAD-HINT:TYPE=PART,URI="([a-z0-9]+)_(\d+)\.(\d+)\.m4s"/.exec(text);
  if (!m) throw new Error(`no preload hint in:\n${text}`);
  return { run: m[1]!, msn: Number(m[2]), part: Number(m[3]) };
}

/** Established TCP connections to the camera (camserver's source holds at most one; RTSP over TCP). */
function cameraConnections(): number {
  const r = Bun.spawnSync(["ss", "-Htn", "state", "established", `( dport = :${cam.port} )`]);
  return r.stdout
    .toString()
    .split("\n")
    .filter((l) => l.trim()).length;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

beforeAll(async () => {
  cam = await startRtspCamera({ user: "admin", pass: PASSWORD });
  server = await startCamserver("start", { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, DATA_DIR: tempDir("hls") });
});
afterAll(async () => {
  if (cam) process.kill(cam.pid, "SIGCONT");
  await server?.stop();
  await stopAll();
  redis.disconnect();
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

  it("answers a start once the playlist has a segment, and init + segment decode as the camera's H.264 from a keyframe", async () => {
    const r = await server.call("POST", "/v1/streams/start", { camera_id: "cam_2f_19" });
    expect(r.status).toBe(200);
    expect(Object.keys(r.json).sort()).toEqual(["expires_at", "hls_url", "session_id"]);
    sessionId = r.json.session_id;
    expiresAt = r.json.expires_at;
    expect(r.json.hls_url).toBe(`/hls/${sessionId}/index.m3u8`);
    const pl = await fetch(`${server.base}${r.json.hls_url}`);
    expect(pl.status).toBe(200);
    expect(pl.headers.get("content-type")).toContain("mpegurl");
    expect(pl.headers.get("cache-control")).toBe("no-cache");
    const text = await pl.text();
    const segments = text.split("\n").filter((l) => l.endsWith(".m4s") && !l.startsWith("#"));
    expect(segments.length).toBeGreaterThanOrEqual(1);
    const init = await fetch(`${server.base}/hls/${sessionId}/${/#EXT-X-MAP:URI="([^"]+)"/.exec(text)![1]}`);
    const seg = await fetch(`${server.base}/hls/${sessionId}/${segments[0]}`);
    for (const f of [init, seg]) {
      expect(f.status).toBe(200);
      expect(f.headers.get("content-type")).toBe("video/mp4");
      expect(f.headers.get("cache-control")).toStartWith("private, max-age=");
    }
    const bytes = Buffer.concat([Buffer.from(await init.arrayBuffer()), Buffer.from(await seg.arrayBuffer())]);
    expect(probeVideo(bytes)).toBe("h264,1280,720");
    const frames = decodeFrames(bytes);
    expect(frames.errors).toBe("");
    expect(frames.types[0]).toBe("I,1");
    expect(frames.types.length).toBeGreaterThanOrEqual(25);
  });

  it("runs no ffmpeg for HLS", () => {
    expect(ffmpegPids("segment")).toEqual([]);
    expect(ffmpegPids("pipe:0")).toEqual([]);
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

  it("keeps one connection to the camera however many starts there are", async () => {
    await Promise.all([1, 2, 3].map(() => server.call("POST", "/v1/streams/start", { camera_id: "cam_2f_19" })));
    expect(cameraConnections()).toBe(1);
  });

  it("shows the camera live with its HLS consumer and holder", async () => {
    const r = await server.call("GET", "/v1/cameras/cam_2f_19");
    expect(r.json.state).toBe("live");
    expect(r.json.consumers).toEqual({ hls: 1 });
    expect(typeof r.json.holder).toBe("string");
  });

  it("answers 404 for paths outside the session's own files", async () => {
    for (const p of [
      `/hls/${sessionId}/..%2F..%2Fetc%2Fpasswd`,
      `/hls/${sessionId}/other.ts`,
      `/hls/${sessionId}/x_1.m4s.bak`,
      `/hls/${sessionId}/X_1.m4s`,
      `/hls/nope/index.m3u8`,
      `/hls/nope/abcd_1.m4s`,
      `/hls/${sessionId}/index.m3u8.bak`,
    ]) {
      const r = await fetch(`${server.base}${p}`);
      expect({ p, status: r.status }).toEqual({ p, status: 404 });
    }
    // Not an HLS route at all: closed by default (a token is needed), and then not found.
    expect((await server.call("GET", `/hls/${sessionId}/a/b.m4s`)).status).toBe(404);
  });

  it("serves every part of the playlist as a fragment that decodes after the init segment", async () => {
    const text = await (await fetch(`${server.base}/hls/${sessionId}/index.m3u8`)).text();
    const init = Buffer.from(await (await fetch(`${server.base}/hls/${sessionId}/${/#EXT-X-MAP:URI="([^"]+)"/.exec(text)![1]}`)).arrayBuffer());
    const parts = [...text.matchAll(/#EXT-X-PART:DURATION=([\d.]+),URI="([^"]+)"(,INDEPENDENT=YES)?/g)];
    expect(parts.length).toBeGreaterThanOrEqual(5);
    for (const [, duration] of parts.slice(0, -1)) expect(Number(duration)).toBeLessThanOrEqual(0.2);
    const first = parts.find((p) => p[3])!;
    const bytes = Buffer.from(await (await fetch(`${server.base}/hls/${sessionId}/${first[2]}`)).arrayBuffer());
    const frames = decodeFrames(Buffer.concat([init, bytes]));
    expect(frames.errors).toBe("");
    expect(frames.types).toEqual(["I,1", "P,0", "P,0", "P,0", "P,0", "P,0"]);
  });

  it("answers blocking reloads part after part, each as soon as the playlist lists the part (about one part apart)", async () => {
    let h = hinted(await (await fetch(`${server.base}/hls/${sessionId}/index.m3u8`)).text());
    const gaps: number[] = [];
    let last = performance.now();
    for (let i = 0; i < 12; i++) {
      const r = await fetch(`${server.base}/hls/${sessionId}/index.m3u8?_HLS_msn=${h.msn}&_HLS_part=${h.part}`);
      expect(r.status).toBe(200);
      expect(r.headers.get("cache-control")).toBe("no-cache");
      const text = await r.text();
      expect(text).toContain(`URI="${h.run}_${h.msn}.${h.part}.m4s"`);
      const now = performance.now();
      if (i > 0) gaps.push(now - last);
      last = now;
      h = hinted(text);
    }
    console.log(`blocking reload: answers ${gaps.map((g) => Math.round(g)).join(" ")} ms apart (median ${Math.round(median(gaps))} ms)`);
    expect(median(gaps)).toBeGreaterThan(120);
    expect(median(gaps)).toBeLessThan(300);
  });

  it("holds a request for the preload-hinted part until it is written, then serves it", async () => {
    const text = await (await fetch(`${server.base}/hls/${sessionId}/index.m3u8`)).text();
    const h = hinted(text);
    const t0 = performance.now();
    const r = await fetch(`${server.base}/hls/${sessionId}/${h.run}_${h.msn}.${h.part}.m4s`);
    const waited = performance.now() - t0;
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toBe("video/mp4");
    const bytes = new Uint8Array(await r.arrayBuffer());
    expect(new TextDecoder().decode(bytes.subarray(4, 8))).toBe("moof");
    console.log(`preload-hinted part: served after ${Math.round(waited)} ms`);
    expect(waited).toBeLessThan(600);
  });

  it("answers 400 at once for _HLS_part without _HLS_msn, a bad number, or a part or segment too far past the live edge", async () => {
    const h = hinted(await (await fetch(`${server.base}/hls/${sessionId}/index.m3u8`)).text());
    for (const q of [
      "_HLS_part=1",
      "_HLS_msn=x",
      "_HLS_msn=-1",
      `_HLS_msn=${h.msn}&_HLS_part=1.5`,
      `_HLS_msn=${h.msn + 2}`,
      `_HLS_msn=${h.msn}&_HLS_part=${h.part + 16}`,
    ]) {
      const t0 = performance.now();
      const r = await fetch(`${server.base}/hls/${sessionId}/index.m3u8?${q}`);
      expect({ q, status: r.status }).toEqual({ q, status: 400 });
      expect((await r.json()).error).toBeString();
      expect(performance.now() - t0).toBeLessThan(200);
    }
    const far = await fetch(`${server.base}/hls/${sessionId}/${h.run}_${h.msn + 3}.0.m4s`);
    expect(far.status).toBe(404);
  });

  it("answers 503 after three target durations when the camera sends nothing (paused), and goes on when it is back", async () => {
    const h = hinted(await (await fetch(`${server.base}/hls/${sessionId}/index.m3u8`)).text());
    process.kill(cam.pid, "SIGSTOP");
    const t0 = performance.now();
    let playlist: Response;
    let part: Response;
    try {
      [playlist, part] = await Promise.all([
        fetch(`${server.base}/hls/${sessionId}/index.m3u8?_HLS_msn=${h.msn}&_HLS_part=${h.part + 1}`),
        fetch(`${server.base}/hls/${sessionId}/${h.run}_${h.msn}.${h.part + 1}.m4s`),
      ]);
    } finally {
      process.kill(cam.pid, "SIGCONT");
    }
    const waited = performance.now() - t0;
    expect(playlist.status).toBe(503);
    expect(part.status).toBe(503);
    expect(waited).toBeGreaterThan(2900);
    expect(waited).toBeLessThan(4000);
    const after = await fetch(`${server.base}/hls/${sessionId}/index.m3u8?_HLS_msn=${h.msn}&_HLS_part=${h.part + 1}`);
    expect(after.status).toBe(200);
  });

  it("stops the session: lease gone, camera connection gone after the grace period, playlist and files deleted", async () => {
    const text = await (await fetch(`${server.base}/hls/${sessionId}/index.m3u8`)).text();
    const segment = text.split("\n").find((l) => l.endsWith(".m4s") && !l.startsWith("#"))!;
    const r = await server.call("POST", "/v1/streams/stop", { session_id: sessionId });
    expect(r.json).toEqual({ status: "stopped" });
    expect((await fetch(`${server.base}/hls/${sessionId}/index.m3u8`)).status).toBe(404);
    expect((await server.call("GET", "/v1/streams")).json).toEqual([]);
    expect(await eventually(() => cameraConnections() === 0, 6000)).toBe(true);
    expect(await eventually(async () => (await server.call("GET", "/v1/cameras/cam_2f_19")).json.state === "idle", 3000)).toBe(true);
    const keys = await redis.keys(`${prefix}:hls:segment:cam_2f_19:*`);
    expect(keys).toEqual([]);
    expect(await redis.exists(`${prefix}:hls:playlist:cam_2f_19`)).toBe(0);
    expect(segment).toMatch(/^[a-z0-9]+_\d+\.m4s$/);
    const stopAgain = await server.call("POST", "/v1/streams/stop", { session_id: sessionId });
    expect(stopAgain.status).toBe(404);
  });

  it("never writes the camera password into its logs", () => {
    expect(server.output()).not.toContain(PASSWORD);
    expect(server.output()).not.toContain(encodeURIComponent(PASSWORD));
  });

  it("deletes a camera and stops its pipeline", async () => {
    await server.call("POST", "/v1/streams/start", { camera_id: "cam_2f_19" });
    expect(cameraConnections()).toBe(1);
    const del = await server.call("DELETE", "/v1/cameras/cam_2f_19");
    expect(del.status).toBe(204);
    expect(await eventually(() => cameraConnections() === 0, 3000)).toBe(true);
    expect((await server.call("GET", "/v1/cameras/cam_2f_19")).status).toBe(404);
  });
});
