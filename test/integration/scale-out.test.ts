/**
 * Scale-out and kill paths: one API process and two worker processes that share only
 * Redis and MariaDB (separate data directories). Any API serves any session; SIGKILL of
 * the holder drops its camera connection with it and the other worker takes the camera over;
 * SIGTERM stops cleanly; a worker reaps leftovers of a dead owner at start.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { readProcStat } from "../../src/proc/proc-stat.ts";
import { stopAll } from "../support/background.ts";
import { eventually, ffmpegPids, startCamserver, tcpConnections, tempDir, testPrefix, TEST_REDIS_URL, type CamserverProcess } from "../support/camserver.ts";
import { createTestDatabase, skipWithoutMysql, type TestDatabase } from "../support/mysql.ts";
import { freePort } from "../support/ports.ts";
import { startRtspCamera, type TestbedServer } from "../support/testbed.ts";

let db: TestDatabase;
let cam: TestbedServer;
let api: CamserverProcess;
const workers: Record<string, CamserverProcess> = {};
let env: Record<string, string>;

beforeAll(async () => {
  if (skipWithoutMysql) return;
  db = await createTestDatabase();
  cam = await startRtspCamera();
  env = { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: testPrefix("scale"), DATABASE_URL: db.url, SESSION_TTL_SEC: "300" };
  api = await startCamserver("api", { ...env, DATA_DIR: tempDir("api") });
  const r = await api.call("POST", "/v1/cameras", { id: "yard", name: "Yard", source_url: cam.url });
  expect(r.status).toBe(201);
  [workers.a, workers.b] = await Promise.all([
    startCamserver("worker", { ...env, DATA_DIR: tempDir("wa"), WORKER_ID: "worker-a" }),
    startCamserver("worker", { ...env, DATA_DIR: tempDir("wb"), WORKER_ID: "worker-b" }),
  ]);
});
afterAll(async () => {
  await stopAll();
  await db?.drop();
});

/** The camera's upstream connections (the native RTSP source runs no ffmpeg). */
const camConnections = () => tcpConnections(cam.port);

async function segmentCount(sessionId: string): Promise<number> {
  const r = await fetch(`${api.base}/hls/${sessionId}/index.m3u8`);
  if (r.status !== 200) return 0;
  return (await r.text()).split("\n").filter((l) => /^[a-z0-9]+_\d+\.m4s$/.test(l)).length;
}

describe.skipIf(skipWithoutMysql)("API and two workers without a shared data directory", () => {
  let sessionId = "";
  let holder = "";

  it("serves the session's playlist and segments from the API, whichever worker holds the camera", async () => {
    const r = await api.call("POST", "/v1/streams/start", { camera_id: "yard" });
    expect(r.status).toBe(200);
    sessionId = r.json.session_id;
    const text = await (await fetch(`${api.base}${r.json.hls_url}`)).text();
    const seg = text.split("\n").find((l) => /^[a-z0-9]+_\d+\.m4s$/.test(l))!;
    const bytes = await (await fetch(`${api.base}/hls/${sessionId}/${seg}`)).arrayBuffer();
    expect(bytes.byteLength).toBeGreaterThan(10_000);
    holder = (await api.call("GET", "/v1/cameras/yard")).json.holder;
    expect(["worker-a", "worker-b"]).toContain(holder);
    expect(camConnections()).toHaveLength(1);
    expect(ffmpegPids(`127.0.0.1:${cam.port}`)).toHaveLength(0);
  });

  it("drops the holder's camera connection with it on SIGKILL, and the other worker takes the camera within 15 s", async () => {
    const victim = holder === "worker-a" ? workers.a! : workers.b!;
    await victim.kill();
    expect(await eventually(() => camConnections().length === 0, 2000)).toBe(true);
    const other = holder === "worker-a" ? "worker-b" : "worker-a";
    const t0 = Date.now();
    expect(await eventually(async () => (await api.call("GET", "/v1/cameras/yard")).json.holder === other, 15_000)).toBe(true);
    expect(await eventually(async () => (await segmentCount(sessionId)) > 0, 15_000 - (Date.now() - t0))).toBe(true);
    expect(camConnections()).toHaveLength(1);
    holder = other;
  });

  it("closes the camera connection on worker SIGTERM", async () => {
    const w = holder === "worker-a" ? workers.a! : workers.b!;
    await w.stop(10_000);
    expect(w.proc.exitCode).toBe(0);
    expect(await eventually(() => camConnections().length === 0, 1000)).toBe(true);
  });

  it("reaps an ffmpeg left by a dead owner when a worker starts", async () => {
    const owner = Bun.spawn(["sleep", "30"]);
    const st = readProcStat(owner.pid)!;
    owner.kill("SIGKILL");
    await owner.exited;
    const orphan = Bun.spawn(
      [
        "ffmpeg",
        "-nostdin",
        "-loglevel",
        "error",
        "-re",
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=64x64:rate=5",
        "-f",
        "null",
        "-",
        "-metadata",
        "title=orphan-marker",
      ],
      {
        env: { ...process.env, CAMSERVER_CHILD: `${owner.pid}:${st.startTime}` },
        stdout: "ignore",
        stderr: "ignore",
      },
    );
    try {
      expect(ffmpegPids("orphan-marker")).toHaveLength(1);
      const metricsPort = freePort();
      workers.c = await startCamserver("worker", { ...env, DATA_DIR: tempDir("wc"), WORKER_ID: "worker-c", METRICS_PORT: String(metricsPort) });
      expect(await eventually(() => ffmpegPids("orphan-marker").length === 0, 2000)).toBe(true);
      expect(workers.c.output()).toContain("leftover");
      // A worker host has no API: METRICS_PORT serves its metrics.
      expect(await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text()).toContain("camserver_held_cameras");
    } finally {
      orphan.kill("SIGKILL");
      await orphan.exited;
    }
  });
});
