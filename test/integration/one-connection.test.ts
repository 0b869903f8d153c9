/**
 * The proof of the rule that shapes camserver: one upstream connection per camera.
 * A connection counter stands in front of a real RTSP camera that accepts ONE client
 * (`--max-clients 1`). An API and two workers (sharing only Redis and MariaDB) serve, at
 * once for PROOF_SECONDS (default 60): 3 HLS viewers, bursts of 20 concurrent snapshots,
 * polling every 2 s, and stop/start of sessions; the holder worker is SIGKILLed midway.
 * The counter's maximum concurrency must stay 1, every request must succeed, the other
 * worker must take the camera within 15 s, and afterwards no ffmpeg is left and the
 * camera's connection is closed within the grace period.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { stopAll } from "../support/background.ts";
import { eventually, ffmpegPids, startCamserver, tempDir, testPrefix, TEST_REDIS_URL, TEST_TOKEN, type CamserverProcess } from "../support/camserver.ts";
import { createTestDatabase, skipWithoutMysql, type TestDatabase } from "../support/mysql.ts";
import { startConnCounter, startRtspCamera, type TestbedServer } from "../support/testbed.ts";

const SECONDS = Number(process.env.PROOF_SECONDS ?? 60);
const dir = tempDir("proof");
const statsFile = `${dir}/conn.json`;
let db: TestDatabase;
let cam: TestbedServer;
let counter: TestbedServer;
let api: CamserverProcess;
const workers: Record<string, CamserverProcess> = {};

beforeAll(async () => {
  if (skipWithoutMysql) return;
  db = await createTestDatabase();
  cam = await startRtspCamera({ maxClients: 1 });
  counter = await startConnCounter(`127.0.0.1:${cam.port}`, statsFile);
  const env = { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: testPrefix("proof"), DATABASE_URL: db.url };
  api = await startCamserver("api", { ...env, DATA_DIR: tempDir("proof-api") });
  [workers["worker-a"], workers["worker-b"]] = await Promise.all([
    startCamserver("worker", { ...env, DATA_DIR: tempDir("proof-a"), WORKER_ID: "worker-a" }),
    startCamserver("worker", { ...env, DATA_DIR: tempDir("proof-b"), WORKER_ID: "worker-b" }),
  ]);
  const r = await api.call("POST", "/v1/cameras", {
    id: "tapo",
    name: "Tapo C200",
    source_url: `rtsp://127.0.0.1:${counter.port}/stream1`,
    snapshot_interval_s: 2,
  });
  expect(r.status).toBe(201);
});
afterAll(async () => {
  await stopAll();
  await db?.drop();
});

type Stats = { current: number; max_concurrent: number; total_connections: number; refused: number };
const stats = async (): Promise<Stats> => JSON.parse(await Bun.file(statsFile).text());

/** Failed requests by kind, with a sample. */
const failures: Record<string, string[]> = {};
function fail(kind: string, detail: string) {
  (failures[kind] ??= []).push(detail);
}
let requests = 0;

async function get(path: string, auth = true): Promise<Response> {
  requests++;
  return fetch(`${api.base}${path}`, { headers: auth ? { authorization: `Bearer ${TEST_TOKEN}` } : {} });
}

/** The current shared session's URL; restarted by viewers after the churner stopped it. */
let hlsUrl = "";
let startedSessions = 0;
async function startSession(): Promise<void> {
  const r = await api.call("POST", "/v1/streams/start", { camera_id: "tapo" });
  requests++;
  if (r.status !== 200) return fail("start", `${r.status} ${r.text}`);
  hlsUrl = r.json.hls_url;
  startedSessions++;
}

async function viewer(until: number): Promise<number> {
  let segments = 0;
  const seen = new Set<string>();
  while (Date.now() < until) {
    const url = hlsUrl;
    const pl = await get(url, false);
    if (pl.status === 404 && url !== hlsUrl) continue; // the churner replaced the session meanwhile
    if (pl.status === 404) {
      // The session was stopped by another client (the churner): start again, as a player would.
      await startSession();
      continue;
    }
    if (pl.status !== 200) {
      fail("playlist", `${pl.status}`);
      continue;
    }
    const names = (await pl.text()).split("\n").filter((l) => /^[a-z0-9]+_\d+\.m4s$/.test(l));
    for (const n of names.slice(-1)) {
      if (seen.has(n)) continue;
      seen.add(n);
      const seg = await get(url.replace("index.m3u8", n), false);
      if (seg.status === 200 && (await seg.arrayBuffer()).byteLength > 1000) segments++;
      // A segment of a session the churner just stopped is gone with it; a live session's is not.
      else if ((await get(url, false)).status !== 404) fail("segment", `${seg.status} ${n} of a live session`);
    }
    await Bun.sleep(500);
  }
  return segments;
}

async function snapshotBursts(until: number): Promise<number> {
  let ok = 0;
  while (Date.now() < until) {
    const shots = await Promise.all(Array.from({ length: 20 }, () => get("/v1/cameras/tapo/snapshot")));
    for (const s of shots) {
      const body = new Uint8Array(await s.arrayBuffer());
      if (s.status === 200 && body[0] === 0xff && body[1] === 0xd8) ok++;
      else fail("snapshot", `${s.status} ${new TextDecoder().decode(body.slice(0, 200))}`);
    }
    await Bun.sleep(2500);
  }
  return ok;
}

async function churn(until: number): Promise<void> {
  while (Date.now() < until - 3000) {
    await Bun.sleep(7000);
    const list = await api.call("GET", "/v1/streams");
    for (const s of list.json ?? []) {
      const r = await api.call("POST", "/v1/streams/stop", { session_id: s.session_id });
      requests++;
      if (r.status !== 200 && r.status !== 404) fail("stop", `${r.status}`);
    }
    await startSession();
  }
}

async function holder(): Promise<string | null> {
  return (await api.call("GET", "/v1/cameras/tapo")).json.holder;
}

describe.skipIf(skipWithoutMysql)("one upstream connection per camera, proven", () => {
  it(
    "holds at most one camera connection under viewers, snapshots, polling, churn and a holder SIGKILL",
    async () => {
      await startSession();
      const until = Date.now() + SECONDS * 1000;
      const load = Promise.all([viewer(until), viewer(until), viewer(until), snapshotBursts(until), churn(until)]);

      // Midway: SIGKILL the worker that holds the camera.
      await Bun.sleep(Math.min(20_000, (SECONDS * 1000) / 3));
      const victim = await holder();
      expect(victim === "worker-a" || victim === "worker-b").toBe(true);
      await workers[victim!]!.kill();
      const killedAt = Date.now();
      const other = victim === "worker-a" ? "worker-b" : "worker-a";
      expect(await eventually(async () => (await holder()) === other, 15_000)).toBe(true);
      const takeoverMs = Date.now() - killedAt;

      const [v1, v2, v3, snaps] = await load;
      const s = await stats();
      console.log(JSON.stringify({ seconds: SECONDS, requests, takeoverMs, segments: [v1, v2, v3], snapshots: snaps, sessions: startedSessions, counter: s }));
      expect(failures).toEqual({});
      expect(s.max_concurrent).toBe(1);
      expect(s.refused).toBe(0);
      expect(v1 + v2 + v3).toBeGreaterThan(SECONDS);
      expect(snaps).toBeGreaterThan(100);

      // Wind down: no session, no polling. The connection closes within the grace period (2 s).
      await api.call("PATCH", "/v1/cameras/tapo", { snapshot_interval_s: 0 });
      for (const x of (await api.call("GET", "/v1/streams")).json) await api.call("POST", "/v1/streams/stop", { session_id: x.session_id });
      expect(await eventually(async () => (await stats()).current === 0, 2000 + 10_000)).toBe(true);
      expect(await eventually(() => ffmpegPids(`127.0.0.1:${counter.port}/`).length === 0, 2000)).toBe(true);
      expect((await stats()).max_concurrent).toBe(1);
    },
    (SECONDS + 60) * 1000,
  );
});
