/**
 * Clear errors with the right status, within the camera's timeout plus 1 s, and no
 * process left behind: unknown camera, bad JSON, schema violations, a refusing camera,
 * a hung camera (blackhole-camera), a camera that rejects the credentials.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { stopAll } from "../support/background.ts";
import { eventually, ffmpegPids, startCamserver, tempDir, testPrefix, TEST_REDIS_URL, type CamserverProcess } from "../support/camserver.ts";
import { freePort } from "../support/ports.ts";
import { startBlackhole, startRtspCamera, type TestbedServer } from "../support/testbed.ts";

let server: CamserverProcess;
let blackhole: TestbedServer;
let authCam: TestbedServer;
const closedPort = freePort();

beforeAll(async () => {
  [blackhole, authCam] = await Promise.all([startBlackhole(), startRtspCamera({ user: "admin", pass: "right" })]);
  server = await startCamserver("start", { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: testPrefix("errors"), DATA_DIR: tempDir("errors") });
  await server.call("POST", "/v1/cameras", { id: "refusing", name: "Refusing", source_url: `rtsp://127.0.0.1:${closedPort}/x` });
  await server.call("POST", "/v1/cameras", { id: "hung", name: "Hung", source_url: blackhole.url });
  await server.call("POST", "/v1/cameras", { id: "wrongpass", name: "Wrong password", source_url: authCam.url, username: "admin", password: "wrong" });
});
afterAll(async () => {
  await server?.stop();
  await stopAll();
});

describe("request errors", () => {
  it("answers 404 for an unknown camera", async () => {
    const r = await server.call("POST", "/v1/streams/start", { camera_id: "nope" });
    expect(r.status).toBe(404);
    expect(r.json.error).toContain("nope");
    expect((await server.call("GET", "/v1/cameras/nope")).status).toBe(404);
  });

  it("answers 400 for malformed JSON", async () => {
    const r = await server.call("POST", "/v1/cameras", "{not json");
    expect(r.status).toBe(400);
    expect(r.json.error).toBeString();
  });

  it("answers 422 naming the field for a schema violation", async () => {
    const cases: [unknown, string][] = [
      [{ name: "x" }, "source_url"],
      [{ name: "x", source_url: "http://example/x" }, "source_url"],
      [{ name: "x", source_url: "rtsp://h/x", network: "wan" }, "network"],
      [{ id: "bad id!", name: "x", source_url: "rtsp://h/x" }, "id"],
    ];
    for (const [body, field] of cases) {
      const r = await server.call("POST", "/v1/cameras", body);
      expect(r.status).toBe(422);
      expect(r.json.field).toBe(field);
    }
    const s = await server.call("POST", "/v1/streams/start", { camera: "x" });
    expect(s.status).toBe(422);
    expect(s.json.field).toBe("camera_id");
  });
});

describe("camera errors", () => {
  it("answers 502 naming the camera when it refuses, within its timeout plus 1 s", async () => {
    const t0 = performance.now();
    const r = await server.call("POST", "/v1/streams/start", { camera_id: "refusing" });
    const ms = performance.now() - t0;
    expect(r.status).toBe(502);
    expect(r.json.error).toContain("refusing");
    expect(ms).toBeLessThan(6000);
  });

  it("answers 502 when the camera rejects the credentials, without showing them", async () => {
    const r = await server.call("POST", "/v1/streams/start", { camera_id: "wrongpass" });
    expect(r.status).toBe(502);
    expect(r.json.error).toContain("wrongpass");
    expect(r.text).not.toContain("wrong@");
    expect(r.text).not.toContain(":wrong");
  });

  it("answers 504 for a camera that accepts TCP and never answers, within 5 s + 1 s", async () => {
    const t0 = performance.now();
    const r = await server.call("POST", "/v1/streams/start", { camera_id: "hung" });
    const ms = performance.now() - t0;
    expect(r.status).toBe(504);
    expect(r.json.error).toContain("hung");
    expect(ms).toBeLessThan(6000);
  });

  it("leaves no ffmpeg behind after the failures", async () => {
    const left = () => [...ffmpegPids(`127.0.0.1:${closedPort}`), ...ffmpegPids(`127.0.0.1:${blackhole.port}`), ...ffmpegPids(`127.0.0.1:${authCam.port}`)];
    expect(await eventually(() => left().length === 0, 8000)).toBe(true);
    expect((await server.call("GET", "/v1/streams")).json).toEqual([]);
  });

  it("shows the failure as the camera's last error", async () => {
    const r = await server.call("GET", "/v1/cameras/hung");
    expect(r.json.last_error.message).toContain("did not answer");
  });
});
