/**
 * Recordings end to end against a real RTSP camera (720p30, 1 s GOP), Redis, SQLite,
 * ffprobe: 10 s in fMP4 and in .h264 started mid-GOP (the first frame is a keyframe, every
 * file decodes without an error, SPS/PPS before every IDR or in the init segment), Range
 * requests on the joined MP4, the seed's routes with their 409s, errors, playback by time
 * across two recordings, and continuous recording switched on and off in the settings.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { existsSync, writeFileSync } from "node:fs";
import { readInitSegment } from "../../src/media/fmp4/init-reader.ts";
import { stopAll } from "../support/background.ts";
import { eventually, startCamserver, tempDir, testPrefix, TEST_REDIS_URL, TEST_TOKEN, type CamserverProcess } from "../support/camserver.ts";
import { annexBKeyframes, decodeErrors, probeDuration, probeFrames, probeStream } from "../support/recording-probe.ts";
import { startRtspCamera, type TestbedServer } from "../support/testbed.ts";

let cam: TestbedServer;
let server: CamserverProcess;
const dataDir = tempDir("rec");
const recordingsDir = `${dataDir}/recordings`;

beforeAll(async () => {
  cam = await startRtspCamera();
  server = await startCamserver("start", { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: testPrefix("rec"), DATA_DIR: dataDir, RECORDINGS_DIR: recordingsDir });
  expect((await server.call("POST", "/v1/cameras", { id: "yard", name: "Yard", source_url: cam.url })).status).toBe(201);
});
afterAll(async () => {
  await server?.stop();
  await stopAll();
});

async function download(path: string, headers: Record<string, string> = {}): Promise<{ status: number; bytes: Uint8Array; headers: Headers }> {
  const r = await fetch(`${server.base}${path}`, { headers: { authorization: `Bearer ${TEST_TOKEN}`, ...headers } });
  return { status: r.status, bytes: new Uint8Array(await r.arrayBuffer()), headers: r.headers };
}

async function untilDone(id: string, timeoutMs = 30_000): Promise<any> {
  let rec: any;
  await eventually(async () => (rec = (await server.call("GET", `/v1/recordings/${id}`)).json).state !== "recording", timeoutMs);
  return rec;
}

function saved(name: string, bytes: Uint8Array): string {
  const file = `${dataDir}/${name}`;
  writeFileSync(file, bytes);
  return file;
}

describe("recordings of a live camera", () => {
  let mp4Id = "";

  it("records 10 s in fMP4 from mid-GOP: starts at a keyframe, SPS/PPS in the init segment, decodes cleanly", async () => {
    const st = await server.call("POST", "/v1/streams/start", { camera_id: "yard" });
    expect(st.status).toBe(200);
    await Bun.sleep(300 + Math.random() * 500); // somewhere inside the camera's 1 s GOP
    const r = await server.call("POST", "/v1/recordings", { camera_id: "yard", max_duration_s: 10 });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ camera_id: "yard", format: "fmp4", state: "recording", max_duration_s: 10, part_count: 1 });
    expect(r.json.parts[0]).toMatchObject({ part: 1, state: "recording" });
    mp4Id = r.json.id;
    const done = await untilDone(mp4Id);
    expect(done).toMatchObject({ state: "done", error: null });
    expect(done.duration_ms).toBeGreaterThanOrEqual(9990);
    expect(done.duration_ms).toBeLessThanOrEqual(10_010);
    const f = await download(`/v1/recordings/${mp4Id}/file`);
    expect(f.status).toBe(200);
    expect(f.headers.get("content-type")).toBe("video/mp4");
    expect(Number(f.headers.get("content-length"))).toBe(f.bytes.byteLength);
    const file = saved("ten.mp4", f.bytes);
    expect(decodeErrors(file)).toBe("");
    expect(probeStream(file)).toBe("h264,1280,720");
    const frames = probeFrames(file);
    expect(frames.length).toBe(done.frames);
    expect(frames[0]!.keyFrame).toBe(true);
    expect(Math.abs(probeDuration(file) - 10)).toBeLessThan(0.05);
    const init = readInitSegment(f.bytes);
    expect(init.avcConfig.sps.length).toBe(1);
    expect(init.avcConfig.pps.length).toBe(1);
  });

  it("records 10 s of .h264 from mid-GOP with SPS/PPS before every IDR", async () => {
    await Bun.sleep(200 + Math.random() * 600);
    const r = await server.call("POST", "/v1/recordings", { camera_id: "yard", max_duration_s: 10, format: "h264" });
    expect(r.status).toBe(201);
    expect(r.json.filename).toMatch(/^recording_\d{8}_\d{6}\.h264$/);
    const done = await untilDone(r.json.id);
    expect(done.state).toBe("done");
    const f = await download(`/v1/recordings/${r.json.id}/file`);
    expect(f.status).toBe(200);
    expect(f.bytes.byteLength).toBe(done.bytes);
    const k = annexBKeyframes(f.bytes);
    expect(k.firstVcl).toBe(5);
    expect(k.missingAt).toBe(-1);
    expect(k.idrs).toBeGreaterThanOrEqual(10);
    const file = saved("ten.h264", f.bytes);
    expect(decodeErrors(file, "h264")).toBe("");
    const frames = probeFrames(file, "h264");
    expect(frames.length).toBe(done.frames);
    expect(frames[0]!.keyFrame).toBe(true);
    expect(Math.abs(done.frames - 300)).toBeLessThanOrEqual(1);
    expect(existsSync(`${recordingsDir}/yard/${r.json.id}/${r.json.filename}`)).toBe(true);
  });

  it("answers Range requests on the joined MP4 with 206 and Content-Range, and 416 past the end", async () => {
    const whole = await download(`/v1/recordings/${mp4Id}/file`);
    const total = whole.bytes.byteLength;
    const cases: [string, number, number][] = [
      ["bytes=0-99", 0, 100],
      ["bytes=1000-2500000", 1000, Math.min(2_500_001, total)], // crosses segment files
      [`bytes=${total - 10}-`, total - 10, total],
      ["bytes=-50", total - 50, total],
    ];
    for (const [range, start, end] of cases) {
      const part = await download(`/v1/recordings/${mp4Id}/file`, { range });
      expect(part.status).toBe(206);
      expect(part.headers.get("content-range")).toBe(`bytes ${start}-${end - 1}/${total}`);
      expect(Number(part.headers.get("content-length"))).toBe(end - start);
      expect(Buffer.from(part.bytes).equals(Buffer.from(whole.bytes.subarray(start, end)))).toBe(true);
    }
    const past = await download(`/v1/recordings/${mp4Id}/file`, { range: `bytes=${total}-` });
    expect(past.status).toBe(416);
    expect(past.headers.get("content-range")).toBe(`bytes */${total}`);
    expect(whole.headers.get("accept-ranges")).toBe("bytes");
  });

  it("plays back a span across two recordings as one MP4 of the right duration", async () => {
    const a = await server.call("POST", "/v1/recordings", { camera_id: "yard", max_duration_s: 3 });
    const ra = await untilDone(a.json.id);
    const b = await server.call("POST", "/v1/recordings", { camera_id: "yard", max_duration_s: 3 });
    const rb = await untilDone(b.json.id);
    expect([ra.state, rb.state]).toEqual(["done", "done"]);
    const start = new Date(Date.parse(ra.started_at) - 500).toISOString();
    const span = (Date.parse(rb.ended_at) - Date.parse(start)) / 1000 + 1;
    const p = await download(`/v1/cameras/yard/playback?start=${encodeURIComponent(start)}&duration_s=${span.toFixed(3)}`);
    expect(p.status).toBe(200);
    const file = saved("playback.mp4", p.bytes);
    expect(decodeErrors(file)).toBe("");
    const frames = probeFrames(file);
    expect(frames[0]!.keyFrame).toBe(true);
    // The span also reaches into the 10 s recording's last segment? Only if it ended within it.
    const expected = Number(p.headers.get("x-playback-duration-ms")) / 1000;
    expect(Math.abs(probeDuration(file) - expected)).toBeLessThan(0.05);
    expect(expected).toBeGreaterThanOrEqual((ra.duration_ms + rb.duration_ms) / 1000 - 0.01);
    expect(frames.length).toBe(Math.round(expected * 30));
    const bad = await server.call("GET", "/v1/cameras/yard/playback?start=yesterday&duration_s=5");
    expect([bad.status, bad.json.field]).toEqual([422, "start"]);
    const none = await server.call("GET", `/v1/cameras/yard/playback?start=2001-01-01T00:00:00Z&duration_s=5`);
    expect(none.status).toBe(404);
  });
});

describe("the seed's recording routes", () => {
  it("starts, reports, refuses a second start, stops, and refuses a stop when idle", async () => {
    expect((await server.call("GET", "/api/recording/status?camera_id=yard")).json).toEqual({ recording: false });
    const s = await server.call("POST", "/api/recording/start?camera_id=yard", { filename: "front_door" });
    expect(s.status).toBe(200);
    expect(s.json).toEqual({ status: "recording", filename: "front_door.h264" });
    const twice = await server.call("POST", "/api/recording/start?camera_id=yard", {});
    expect(twice.status).toBe(409);
    expect(twice.json.error).toMatch(/^camera yard is already recording \(rec_[0-9a-z]{16}\); stop it first$/);
    await Bun.sleep(2000);
    const status = await server.call("GET", "/api/recording/status?camera_id=yard");
    expect(status.json).toMatchObject({ recording: true, filename: "front_door.h264", format: "h264" });
    const stop = await server.call("POST", "/api/recording/stop?camera_id=yard");
    expect(stop.status).toBe(200);
    expect(stop.json.status).toBe("stopped");
    expect(stop.json.filename).toBe("front_door.h264");
    expect(stop.json.frame_count).toBeGreaterThan(40);
    expect(stop.json.bytes_written).toBeGreaterThan(100_000);
    expect(stop.json.duration).toBeGreaterThan(1.5);
    const again = await server.call("POST", "/api/recording/stop?camera_id=yard");
    expect([again.status, again.json.error]).toEqual([409, "camera yard is not recording"]);
    expect((await server.call("GET", "/api/recording/status?camera_id=yard")).json).toEqual({ recording: false });
  });

  it("answers 422 for a bad file name or a missing camera_id, and 404 for an unknown camera", async () => {
    const bad = await server.call("POST", "/api/recording/start?camera_id=yard", { filename: "../etc/x" });
    expect([bad.status, bad.json.field]).toEqual([422, "filename"]);
    expect((await server.call("POST", "/api/recording/start", {})).status).toBe(422);
    expect((await server.call("POST", "/api/recording/start?camera_id=nope", {})).status).toBe(404);
  });
});

describe("recording API errors and deletion", () => {
  it("answers 422, 404 and 409 with clear messages", async () => {
    const f = await server.call("POST", "/v1/recordings", { camera_id: "yard", format: "avi" });
    expect([f.status, f.json.field]).toEqual([422, "format"]);
    const d = await server.call("POST", "/v1/recordings", { camera_id: "yard", max_duration_s: 0 });
    expect([d.status, d.json.field]).toEqual([422, "max_duration_s"]);
    expect((await server.call("POST", "/v1/recordings", { camera_id: "nope" })).status).toBe(404);
    expect((await server.call("GET", "/v1/recordings/rec_0000000000000000")).status).toBe(404);
    expect((await server.call("GET", "/v1/recordings/../../etc")).status).toBe(404);
    const list = await server.call("GET", "/v1/recordings?camera_id=yard&from=2001-01-01T00:00:00Z");
    expect(list.status).toBe(200);
    expect(list.json.length).toBeGreaterThanOrEqual(5);
    expect((await server.call("GET", "/v1/recordings?to=tomorrow")).json.field).toBe("to");
  });

  it("refuses to delete a running recording, then deletes it with its files once stopped", async () => {
    const r = await server.call("POST", "/v1/recordings", { camera_id: "yard" });
    expect(r.status).toBe(201);
    const del = await server.call("DELETE", `/v1/recordings/${r.json.id}`);
    expect(del.status).toBe(409);
    const stop = await server.call("POST", `/v1/recordings/${r.json.id}/stop`);
    expect(stop.status).toBe(200);
    expect(stop.json.state).toBe("done");
    expect(stop.json.parts.map((p: any) => p.state)).toEqual(["done"]);
    expect((await server.call("POST", `/v1/recordings/${r.json.id}/stop`)).status).toBe(409);
    expect(existsSync(`${recordingsDir}/yard/${r.json.id}/part-1/init.mp4`)).toBe(true);
    expect((await server.call("DELETE", `/v1/recordings/${r.json.id}`)).status).toBe(204);
    expect(existsSync(`${recordingsDir}/yard/${r.json.id}`)).toBe(false);
    expect((await server.call("GET", `/v1/recordings/${r.json.id}`)).status).toBe(404);
  });
});

describe("continuous recording", () => {
  it("starts when the camera's mode is continuous and stops when the mode changes", async () => {
    const bad = await server.call("PUT", "/v1/cameras/yard/recording-settings", { record: { mode: "schedule", cron: "61 * * * *" } });
    expect([bad.status, bad.json.field]).toEqual([422, "record.cron"]);
    const on = await server.call("PUT", "/v1/cameras/yard/recording-settings", { record: { mode: "continuous", segment_s: 2 }, retention: { max_age_h: 24 } });
    expect(on.status).toBe(200);
    expect(on.json).toEqual({ record: { mode: "continuous", cron: null, segment_s: 2, format: "fmp4" }, retention: { max_age_h: 24, max_bytes: null } });
    let rec: any;
    expect(
      await eventually(async () => {
        rec = (await server.call("GET", "/v1/recordings?camera_id=yard")).json.find((x: any) => x.trigger === "continuous" && x.state === "recording");
        return rec !== undefined && rec.duration_ms >= 2000;
      }, 20_000),
    ).toBe(true);
    expect(rec.segment_s).toBe(2);
    // A schedule is a BullMQ job scheduler on the cron expression; switching to it stops the continuous recording.
    const sched = await server.call("PUT", "/v1/cameras/yard/recording-settings", { record: { mode: "schedule", cron: "0 3 * * sun" } });
    expect(sched.status).toBe(200);
    expect(sched.json.record).toEqual({ mode: "schedule", cron: "0 3 * * sun", segment_s: 2, format: "fmp4" });
    expect((await server.call("GET", `/v1/recordings/${rec.id}`)).json.state).toBe("done");
    const off = await server.call("PATCH", "/v1/cameras/yard", { record: { mode: "off" } });
    expect(off.status).toBe(200);
    expect((await server.call("GET", "/v1/cameras/yard/recording-settings")).json.record.mode).toBe("off");
  });
});
