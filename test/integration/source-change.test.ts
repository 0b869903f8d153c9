/**
 * A camera edit reaches its running pipeline: with a live HLS session on camera A, a PATCH
 * of the camera's URL and password to camera B restarts the source within seconds; the
 * session keeps playing (new segments after a discontinuity) and A's connection is closed.
 * Real RTSP cameras (test/support/testbed.ts), camserver `start`, real Redis and SQLite.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { stopAll } from "../support/background.ts";
import { eventually, startCamserver, tempDir, testPrefix, TEST_REDIS_URL, type CamserverProcess } from "../support/camserver.ts";
import { startRtspCamera, type TestbedServer } from "../support/testbed.ts";

let camA: TestbedServer;
let camB: TestbedServer;
let server: CamserverProcess;

/** Established TCP connections to a camera's port. */
function connections(cam: TestbedServer): number {
  const r = Bun.spawnSync(["ss", "-Htn", "state", "established", `( dport = :${cam.port} )`]);
  return r.stdout
    .toString()
    .split("\n")
    .filter((l) => l.trim()).length;
}

/** Media sequence number of the playlist's last segment. */
function lastSequence(text: string): number {
  const first = Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(text)?.[1] ?? -1);
  return first + text.split("\n").filter((l) => l.endsWith(".m4s") && !l.startsWith("#")).length - 1;
}

beforeAll(async () => {
  camA = await startRtspCamera({ user: "admin", pass: "first-pw-A" });
  camB = await startRtspCamera({ user: "admin", pass: "second-pw-B" });
  server = await startCamserver("start", { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: testPrefix("srcchange"), DATA_DIR: tempDir("srcchange") });
});
afterAll(async () => {
  await server?.stop();
  await stopAll();
});

describe("a camera edit while it streams", () => {
  it("moves a live HLS session to the new URL and password within seconds, with a discontinuity", async () => {
    const created = await server.call("POST", "/v1/cameras", {
      id: "gate",
      name: "Gate",
      source_url: `rtsp://127.0.0.1:${camA.port}/stream1`,
      username: "admin",
      password: "first-pw-A",
    });
    expect(created.status).toBe(201);
    const start = await server.call("POST", "/v1/streams/start", { camera_id: "gate" });
    expect(start.status).toBe(200);
    const playlist = async () => (await fetch(`${server.base}${start.json.hls_url}`)).text();
    expect(await eventually(() => connections(camA) === 1, 5000)).toBe(true);
    const before = lastSequence(await playlist());

    const patched = await server.call("PATCH", "/v1/cameras/gate", { source_url: `rtsp://127.0.0.1:${camB.port}/stream1`, password: "second-pw-B" });
    expect(patched.status).toBe(200);
    const switchedAt = Date.now();
    // The viewer keeps polling the playlist meanwhile, as a player does.
    expect(await eventually(async () => (await playlist()).length > 0 && connections(camB) === 1, 5000)).toBe(true);
    expect(Date.now() - switchedAt).toBeLessThan(5000);
    expect(await eventually(() => connections(camA) === 0, 3000)).toBe(true);

    let text = "";
    expect(
      await eventually(async () => {
        text = await playlist();
        return text.includes("#EXT-X-DISCONTINUITY") && lastSequence(text) >= before + 2;
      }, 10_000),
    ).toBe(true);
    const state = await server.call("GET", "/v1/cameras/gate");
    expect(state.json.state).toBe("live");
    expect(state.json.last_error).toBeNull();
  }, 40_000);

  it("leaves the source alone when only the name changes", async () => {
    const before = connections(camB);
    expect((await server.call("PATCH", "/v1/cameras/gate", { name: "Front gate" })).status).toBe(200);
    await Bun.sleep(1000);
    expect(connections(camB)).toBe(before);
    expect((await server.call("GET", "/v1/cameras/gate")).json.state).toBe("live");
  });
});
