/**
 * What operators watch: /health, Prometheus metrics, and Bull Board with every request
 * queue and each camera's queue, behind the API token.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { stopAll } from "../support/background.ts";
import { startCamserver, tempDir, testPrefix, TEST_REDIS_URL, TEST_TOKEN, type CamserverProcess } from "../support/camserver.ts";
import { startRtspCamera, type TestbedServer } from "../support/testbed.ts";

let server: CamserverProcess;
let cam: TestbedServer;
beforeAll(async () => {
  cam = await startRtspCamera();
  server = await startCamserver("start", { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: testPrefix("ops"), DATA_DIR: tempDir("ops") });
  await server.call("POST", "/v1/cameras", { id: "porch", name: "Porch", source_url: cam.url });
});
afterAll(async () => {
  await server?.stop();
  await stopAll();
});

describe("operations", () => {
  it("answers /health and exposes pipeline metrics in Prometheus format", async () => {
    expect((await fetch(`${server.base}/health`)).status).toBe(200);
    const s = await server.call("POST", "/v1/streams/start", { camera_id: "porch" });
    expect(s.status).toBe(200);
    const m = await (await fetch(`${server.base}/metrics`)).text();
    expect(m).toMatch(/camserver_access_units_total\{camera="porch"\} \d+/);
    expect(m).toMatch(/camserver_held_cameras 1/);
    expect(m).toMatch(/^process_cpu_seconds_total /m); // default metrics keep their standard names
    expect(m).not.toContain("camserver_process_cpu_seconds_total");
    await server.call("POST", "/v1/streams/stop", { session_id: s.json.session_id });
  });

  it("serves Bull Board with the request queues and each camera's queue, behind the token", async () => {
    expect((await fetch(`${server.base}/admin/queues`)).status).toBe(401);
    const auth = { authorization: `Basic ${btoa(`operator:${TEST_TOKEN}`)}` };
    const page = await fetch(`${server.base}/admin/queues`, { headers: auth });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<!DOCTYPE html>");
    const api = (await (await fetch(`${server.base}/admin/queues/api/queues`, { headers: auth })).json()) as { queues: { name: string }[] };
    expect(api.queues.map((q) => q.name).sort()).toEqual(["camera-porch", "record", "snapshot", "stream-start", "webrtc-offer"]);
  });
});
