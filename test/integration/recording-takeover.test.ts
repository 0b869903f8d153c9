/**
 * A recording survives the SIGKILL of the worker that writes it: an API and two workers
 * share Redis, MariaDB and one RECORDINGS_DIR (as worker hosts share a mount). Every
 * segment finished before the kill plays; the worker that takes the camera over finds the
 * recording's lease, marks the dead part `interrupted` and resumes the recording as part 2
 * of the same recording (fMP4: same init, one joined MP4; .h264: the dead part cut back to
 * its durable length).
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { stopAll } from "../support/background.ts";
import { eventually, startCamserver, tempDir, testPrefix, TEST_REDIS_URL, TEST_TOKEN, type CamserverProcess } from "../support/camserver.ts";
import { createTestDatabase, skipWithoutMysql, type TestDatabase } from "../support/mysql.ts";
import { annexBKeyframes, decodeErrors, probeDuration, probeFrames } from "../support/recording-probe.ts";
import { startRtspCamera, type TestbedServer } from "../support/testbed.ts";

let db: TestDatabase;
let cam: TestbedServer;
let api: CamserverProcess;
const workers: Record<string, CamserverProcess> = {};
const shared = tempDir("rec-shared");

beforeAll(async () => {
  if (skipWithoutMysql) return;
  db = await createTestDatabase();
  cam = await startRtspCamera();
  const env = { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: testPrefix("rectake"), DATABASE_URL: db.url, RECORDINGS_DIR: shared };
  api = await startCamserver("api", { ...env, DATA_DIR: tempDir("rec-api") });
  expect((await api.call("POST", "/v1/cameras", { id: "gate", name: "Gate", source_url: cam.url, record: { segment_s: 1 } })).status).toBe(201);
  [workers.a, workers.b] = await Promise.all([
    startCamserver("worker", { ...env, DATA_DIR: tempDir("rec-wa"), WORKER_ID: "worker-a" }),
    startCamserver("worker", { ...env, DATA_DIR: tempDir("rec-wb"), WORKER_ID: "worker-b" }),
  ]);
});
afterAll(async () => {
  await stopAll();
  await db?.drop();
});

async function download(path: string): Promise<Uint8Array> {
  const r = await fetch(`${api.base}${path}`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
  expect(r.status).toBe(200);
  return new Uint8Array(await r.arrayBuffer());
}

describe.skipIf(skipWithoutMysql)("a recording whose worker is SIGKILLed", () => {
  let mp4 = "";
  let h264 = "";
  let victim = "";

  it("leaves every finished segment playable", async () => {
    const a = await api.call("POST", "/v1/recordings", { camera_id: "gate" });
    const b = await api.call("POST", "/v1/recordings", { camera_id: "gate", format: "h264" });
    expect([a.status, b.status]).toEqual([201, 201]);
    mp4 = a.json.id;
    h264 = b.json.id;
    expect(a.json.segment_s).toBe(1);
    await Bun.sleep(4500);
    victim = (await api.call("GET", "/v1/cameras/gate")).json.holder;
    expect(["worker-a", "worker-b"]).toContain(victim);
    await workers[victim === "worker-a" ? "a" : "b"]!.kill();
    // What is on disk now, as the dead worker left it: the rows name only whole files.
    const rec = (await api.call("GET", `/v1/recordings/${mp4}`)).json;
    expect(rec.duration_ms).toBeGreaterThanOrEqual(2000);
    const dir = `${shared}/gate/${mp4}/part-1`;
    const names = readdirSync(dir)
      .filter((n) => n.endsWith(".m4s"))
      .sort();
    expect(names.length).toBeGreaterThanOrEqual(2);
    const joined = Buffer.concat([readFileSync(`${dir}/init.mp4`), ...names.map((n) => readFileSync(`${dir}/${n}`))]);
    writeFileSync(`${shared}/part1-as-left.mp4`, joined);
    expect(decodeErrors(`${shared}/part1-as-left.mp4`)).toBe("");
    expect(probeFrames(`${shared}/part1-as-left.mp4`)[0]!.keyFrame).toBe(true);
  });

  it("is resumed by the other worker as part 2 of the same recording, the dead part interrupted", async () => {
    const other = victim === "worker-a" ? "worker-b" : "worker-a";
    let rec: any;
    const t0 = Date.now();
    const resumed = await eventually(async () => {
      rec = (await api.call("GET", `/v1/recordings/${mp4}`)).json;
      return rec.parts.length === 2 && rec.parts[1].state === "recording";
    }, 25_000);
    expect(resumed).toBe(true);
    console.log(`recording resumed ${Date.now() - t0} ms after the kill was seen`);
    expect(rec.state).toBe("recording");
    expect(rec.parts.map((p: any) => [p.part, p.state, p.worker])).toEqual([
      [1, "interrupted", victim],
      [2, "recording", other],
    ]);
    expect((await api.call("GET", "/v1/cameras/gate")).json.holder).toBe(other);
    await Bun.sleep(2500);
    for (const id of [mp4, h264]) {
      const stop = await api.call("POST", `/v1/recordings/${id}/stop`);
      expect(stop.status).toBe(200);
      expect(stop.json.state).toBe("done");
      expect(stop.json.parts.map((p: any) => p.state)).toEqual(["interrupted", "done"]);
    }
  });

  it("serves both parts as one MP4 that decodes, with the duration of what was written", async () => {
    const rec = (await api.call("GET", `/v1/recordings/${mp4}`)).json;
    const file = `${shared}/joined.mp4`;
    writeFileSync(file, await download(`/v1/recordings/${mp4}/file`));
    expect(decodeErrors(file)).toBe("");
    expect(probeFrames(file).length).toBe(rec.frames);
    expect(Math.abs(probeDuration(file) * 1000 - rec.duration_ms)).toBeLessThan(50);
  });

  it("serves the .h264 parts as one Annex-B stream that decodes, the dead part cut to whole access units", async () => {
    const rec = (await api.call("GET", `/v1/recordings/${h264}`)).json;
    const bytes = await download(`/v1/recordings/${h264}/file`);
    expect(bytes.byteLength).toBe(rec.bytes);
    expect(annexBKeyframes(bytes).missingAt).toBe(-1);
    const file = `${shared}/joined.h264`;
    writeFileSync(file, bytes);
    expect(decodeErrors(file, "h264")).toBe("");
    expect(probeFrames(file, "h264").length).toBe(rec.frames);
  });
});
