/**
 * The database (MariaDB, a dedicated database behind the tests' fault proxy) becomes
 * unreachable under a running camserver `start`: first refused (proxy gone), then hung (a
 * proxy that accepts and never answers). Registry calls answer 503 naming the database
 * within a few seconds (no 500, no hang) while a live HLS session keeps playing; once
 * the database is back the registry works again.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { SERVERS } from "../../support/testbed.ts";
import { startBackground, stopAll, type Background } from "../../support/background.ts";
import { eventually, startCamserver, tempDir, testPrefix, TEST_MYSQL_URL, TEST_REDIS_URL, type CamserverProcess } from "../../support/camserver.ts";
import { createTestDatabase, skipWithoutMysql, type TestDatabase } from "../../support/mysql.ts";
import { freePort } from "../../support/ports.ts";
import { startRtspCamera, type TestbedServer } from "../../support/testbed.ts";

const proxyPort = freePort();
const mysql = new URL(TEST_MYSQL_URL);
let proxy: Background | undefined;
let db: TestDatabase;
let cam: TestbedServer;
let server: CamserverProcess;

/** The fault proxy on the fixed port the database URL names (pass to MariaDB, or hang). */
async function startDbProxy(mode: "pass" | "hang"): Promise<Background> {
  const args = ["--port", String(proxyPort), "--mode", mode, ...(mode === "pass" ? ["--target", `${mysql.hostname}:${mysql.port || 3306}`] : [])];
  const bg = startBackground([process.execPath, `${SERVERS}/fault-proxy.ts`, ...args]);
  await bg.waitFor(/ready:/);
  return bg;
}

/** A request that must answer within `ms`. */
async function timed(method: string, path: string, body?: unknown, ms = 5000) {
  const t0 = Date.now();
  const r = await Promise.race([
    server.call(method, path, body),
    Bun.sleep(ms).then(() => ({ status: -1, json: undefined, text: `no answer within ${ms} ms`, headers: new Headers() })),
  ]);
  return { ...r, ms: Date.now() - t0 };
}

/** Newest media sequence number + segments listed of a playlist, -1 when not served. */
async function newestSegment(url: string): Promise<number> {
  const r = await fetch(`${server.base}${url}`);
  if (r.status !== 200) return -1;
  const text = await r.text();
  const segments = text.split("\n").filter((l) => l.startsWith("#EXTINF")).length;
  return Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(text)?.[1] ?? -1) + segments - 1;
}

beforeAll(async () => {
  if (skipWithoutMysql) return;
  db = await createTestDatabase();
  proxy = await startDbProxy("pass");
  cam = await startRtspCamera();
  const url = new URL(db.url);
  url.hostname = "127.0.0.1";
  url.port = String(proxyPort);
  server = await startCamserver("start", {
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: testPrefix("db-unreachable"),
    DATA_DIR: tempDir("db-unreachable"),
    DATABASE_URL: url.toString(),
  });
  const r = await server.call("POST", "/v1/cameras", { id: "cam", name: "cam", source_url: cam.url });
  expect(r.status).toBe(201);
}, 40_000);
afterAll(async () => {
  await server?.stop();
  await stopAll();
  await db?.drop();
});

describe.skipIf(skipWithoutMysql)("database unreachable", () => {
  it("answers registry calls 503 naming the database while HLS keeps playing, then recovers", async () => {
    const s = await server.call("POST", "/v1/streams/start", { camera_id: "cam" });
    expect(s.status).toBe(200);
    expect(await eventually(async () => (await newestSegment(s.json.hls_url)) >= 0, 15_000)).toBe(true);

    for (const mode of ["refused", "hung"] as const) {
      await proxy!.stop();
      if (mode === "hung") proxy = await startDbProxy("hang");
      const before = await newestSegment(s.json.hls_url);
      for (const [method, path, body] of [
        ["GET", "/v1/cameras", undefined],
        ["POST", "/v1/cameras", { id: `new-${mode}`, name: "n", source_url: cam.url }],
      ] as const) {
        const r = await timed(method, path, body);
        console.log(`${mode}: ${method} ${path} -> ${r.status} in ${r.ms} ms: ${r.text.slice(0, 120)}`);
        expect(`${method} ${path} ${r.status}`).toBe(`${method} ${path} 503`);
        expect(r.text).toMatch(/database/i);
      }
      // The live session goes on: new segments keep coming while the database is away.
      expect(await eventually(async () => (await newestSegment(s.json.hls_url)) >= before + 2, 10_000)).toBe(true);
      if (mode === "hung") await proxy!.stop();
    }

    proxy = await startDbProxy("pass");
    const back = await eventually(async () => (await timed("GET", "/v1/cameras", undefined, 3000)).status === 200, 10_000);
    expect(back).toBe(true);
    expect((await server.call("POST", "/v1/cameras", { id: "after", name: "after", source_url: cam.url })).status).toBe(201);
    await server.call("POST", "/v1/streams/stop", { session_id: s.json.session_id });
  }, 60_000);
});
