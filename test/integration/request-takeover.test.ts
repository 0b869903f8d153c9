/**
 * A request job whose worker is SIGKILLed runs again on another worker (BullMQ's stalled-job
 * check, docs/architecture.md "Queues"), and the second run cleans up what the first one
 * opened: a stream start on a hung camera answers 504 and leaves no HLS session behind,
 * even though the session was created by the dead worker's run; a WHEP offer is still there
 * for the second run, which answers for the camera (504), not "offer expired". One API and
 * two workers on MariaDB, as in production.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { stopAll } from "../support/background.ts";
import { eventually, startCamserver, tempDir, testPrefix, TEST_REDIS_URL, type CamserverProcess } from "../support/camserver.ts";
import { createTestDatabase, skipWithoutMysql, type TestDatabase } from "../support/mysql.ts";
import { werriftOffer } from "../support/offers.ts";
import { startBlackhole, type TestbedServer } from "../support/testbed.ts";

let db: TestDatabase;
let hung: TestbedServer;
let api: CamserverProcess;
let env: Record<string, string>;

beforeAll(async () => {
  if (skipWithoutMysql) return;
  db = await createTestDatabase();
  hung = await startBlackhole();
  env = { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: testPrefix("takeover"), DATABASE_URL: db.url, PIPELINE_GRACE_MS: "1000" };
  api = await startCamserver("api", { ...env, DATA_DIR: tempDir("takeover-api") });
  expect((await api.call("POST", "/v1/cameras", { id: "hung", name: "Hung", source_url: hung.url })).status).toBe(201);
});
afterAll(async () => {
  await stopAll();
  await db?.drop();
});

describe.skipIf(skipWithoutMysql)("a request job taken over from a SIGKILLed worker", () => {
  it("ends the HLS session the dead worker's run opened when the camera then fails", async () => {
    const first = await startCamserver("worker", { ...env, DATA_DIR: tempDir("takeover-b"), WORKER_ID: "worker-b" });
    const t0 = Date.now();
    const start = api.call("POST", "/v1/streams/start", { camera_id: "hung" });
    // The first run opened the camera's session: then its worker dies.
    expect(await eventually(async () => (await api.call("GET", "/v1/streams")).json?.length === 1, 5000)).toBe(true);
    await first.kill();
    const second = await startCamserver("worker", { ...env, DATA_DIR: tempDir("takeover-a"), WORKER_ID: "worker-a" });
    const r = await start;
    expect(r.status).toBe(504);
    // Lock expiry (8 s) + stalled check (4 s) + connect timeout of the second run, within the API's 40 s.
    expect(Date.now() - t0).toBeLessThan(40_000);
    expect((await api.call("GET", "/v1/streams")).json).toEqual([]);
    await second.stop();
  }, 60_000);

  it("answers a WHEP offer whose first worker died for the camera (504), not as an expired offer (400)", async () => {
    const offer = await werriftOffer();
    const first = await startCamserver("worker", { ...env, DATA_DIR: tempDir("takeover-whep-b"), WORKER_ID: "worker-whep-b" });
    const answer = api.call("POST", "/v1/cameras/hung/whep", offer, { "content-type": "application/sdp" });
    // The first run has read the offer and waits for the hung camera: then its worker dies.
    expect(await eventually(async () => (await api.call("GET", "/v1/cameras/hung")).json?.state === "connecting", 5000)).toBe(true);
    await first.kill();
    await startCamserver("worker", { ...env, DATA_DIR: tempDir("takeover-whep-a"), WORKER_ID: "worker-whep-a" });
    const r = await answer;
    expect(r.status).toBe(504);
    expect(r.text).not.toContain("expired");
  }, 60_000);
});
