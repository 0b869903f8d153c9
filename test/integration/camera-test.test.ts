/**
 * The console's connection test against real cameras: the tests' RTSP camera with
 * Digest auth (gst-rtsp-server, 720p30 H.264), ffprobe, the request guard with roles, a
 * real SQLite database and Redis. Credentials must never reach a command line: every
 * process's arguments are sampled while the probe runs.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { Elysia } from "elysia";
import Redis from "ioredis";
import { readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { Authenticator } from "../../src/api/auth.ts";
import { describeFailure } from "../../src/api/camera-probe.ts";
import { errorResponse } from "../../src/api/error-status.ts";
import { requestGuard } from "../../src/api/request-guard.ts";
import { cameraTestRoutes } from "../../src/api/routes/camera-test.ts";
import { ApiTokensRepository } from "../../src/db/api-tokens-repository.ts";
import { CamerasRepository } from "../../src/db/cameras-repository.ts";
import type { Database } from "../../src/db/database.ts";
import { openDatabase } from "../../src/db/open-database.ts";
import { CameraStatusStore } from "../../src/state/camera-status-store.ts";
import { Keys } from "../../src/state/keys.ts";
import { stopAll } from "../support/background.ts";
import { tempDir, testPrefix, TEST_REDIS_URL } from "../support/camserver.ts";
import { startRtspCamera, type TestbedServer } from "../support/testbed.ts";

const ADMIN = "admin-token-0123456789";
const PASS = "s3cr3t-Pa55";
let dir = "";
let database: Database;
let redis: Redis;
let cam: TestbedServer;
let base = "";
let stop: () => Promise<unknown>;
let viewerToken = "";
const keys = new Keys(testPrefix("camtest"));

const probeDirs = () => readdirSync(tmpdir()).filter((n) => n.startsWith("camserver-probe-"));

async function test(path: string, body: unknown, token = ADMIN) {
  const res = await fetch(`${base}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as any };
}

beforeAll(async () => {
  cam = await startRtspCamera({ user: "admin", pass: PASS, auth: "digest" });
  dir = tempDir("camtest");
  database = await openDatabase({ url: `${dir}/camserver.db`, dataDir: dir });
  redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  const cameras = new CamerasRepository(database.db);
  await cameras.create({ id: "door", name: "Door", sourceUrl: `rtsp://127.0.0.1:${cam.port}/stream1`, username: "admin", password: PASS, network: "local" });
  viewerToken = (await new ApiTokensRepository(database.db).create("viewer", "wall")).token;
  const app = new Elysia()
    .use(requestGuard(new Authenticator(ADMIN, new ApiTokensRepository(database.db))))
    .onError(({ code, error, set }) => {
      const { status, body } = errorResponse(code, error);
      set.status = status;
      return body;
    })
    .use(new Elysia({ prefix: "/v1" }).use(cameraTestRoutes({ cameras, status: new CameraStatusStore(redis, keys) })))
    .listen({ port: 0, hostname: "127.0.0.1" });
  base = `http://127.0.0.1:${app.server!.port}`;
  stop = () => app.stop();
}, 60_000);

afterAll(async () => {
  await stop?.();
  redis?.disconnect();
  await database?.close();
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
});

describe("camera connection test", () => {
  it("finds H.264 1280x720 at 30 fps and RTSP 200 OK with the right password, never on a command line", async () => {
    const before = probeDirs();
    const seen: string[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        seen.push(Bun.spawnSync(["ps", "-eo", "args="]).stdout.toString());
        await Bun.sleep(20);
      }
    })();
    const r = await test("/v1/cameras/test", { source_url: `rtsp://admin:${PASS}@127.0.0.1:${cam.port}/stream1` });
    sampling = false;
    await sampler;
    console.log(`connection test of a 720p30 RTSP camera took ${r.json.elapsed_ms} ms`);
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ ok: true, rtsp_status: "200 OK", codec: "h264", width: 1280, height: 720, fps: 30, error: null });
    expect(seen.some((s) => s.includes("ffprobe"))).toBe(true);
    expect(seen.filter((s) => s.includes(PASS))).toEqual([]);
    expect(probeDirs()).toEqual(before);
  }, 30_000);

  it("reports 401 Unauthorized for a wrong password, without echoing it", async () => {
    const r = await test("/v1/cameras/test", { source_url: `rtsp://127.0.0.1:${cam.port}/stream1`, username: "admin", password: "wrong-one" });
    expect(r.json).toMatchObject({ ok: false, rtsp_status: "401 Unauthorized", codec: null });
    expect(JSON.stringify(r.json)).not.toContain("wrong-one");
  }, 30_000);

  it("reports a refused connection", async () => {
    const r = await test("/v1/cameras/test", { source_url: "rtsp://127.0.0.1:9/stream1" });
    expect(r.json).toMatchObject({ ok: false, rtsp_status: null, error: "connection refused" });
  }, 30_000);

  it("tests a stored camera with its stored password, and with a changed one", async () => {
    expect((await test("/v1/cameras/door/test", {})).json).toMatchObject({ ok: true, rtsp_status: "200 OK" });
    expect((await test("/v1/cameras/door/test", { password: "nope" })).json).toMatchObject({ ok: false, rtsp_status: "401 Unauthorized" });
  }, 30_000);

  it("refuses a camera that is not idle (409): its pipeline holds the one connection", async () => {
    await new CameraStatusStore(redis, keys).write("door", { state: "live", since: Date.now() });
    const r = await test("/v1/cameras/door/test", {});
    expect(r.status).toBe(409);
    await new CameraStatusStore(redis, keys).remove("door");
  });

  it("answers 403 to a viewer, 422 to a bad URL or field, 404 to an unknown camera", async () => {
    expect((await test("/v1/cameras/test", { source_url: `rtsp://127.0.0.1:${cam.port}/stream1` }, viewerToken)).status).toBe(403);
    expect((await test("/v1/cameras/test", { source_url: "http://x" })).json.field).toBe("source_url");
    expect((await test("/v1/cameras/test", { source_url: "shm://ring" })).json.field).toBe("source_url");
    expect((await test("/v1/cameras/test", { source_url: "rtsp://h/s", name: "x" })).json.field).toBe("name");
    expect((await test("/v1/cameras/nope/test", {})).status).toBe(404);
  });

  it("reads ffprobe's failures: RTSP status lines, refusals, timeouts", () => {
    expect(describeFailure("[rtsp @ 0x55] method DESCRIBE failed: 453 Not Enough Bandwidth\n")).toEqual({
      rtspStatus: "453 Not Enough Bandwidth",
      error: "DESCRIBE answered 453 Not Enough Bandwidth",
    });
    expect(describeFailure("rtsp://h/s: Connection refused")).toEqual({ rtspStatus: null, error: "connection refused" });
    expect(describeFailure("[tcp @ 0x1] Connection to tcp://h:554 failed: Connection timed out")).toEqual({ rtspStatus: null, error: "no answer in time" });
  });
});
