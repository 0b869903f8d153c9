/**
 * Camera passwords at rest through a whole camserver: the SQLite file never holds the
 * password, and after a restart under another CAMSERVER_SECRET only the camera whose
 * password does not open fails (a stream start answers 500 naming CAMSERVER_SECRET; the camera
 * is still shown and is repaired by entering its password again), while a camera without a
 * password still streams. Real RTSP cameras, Redis and SQLite.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { join } from "node:path";
import { stopAll } from "../support/background.ts";
import { startCamserver, tempDir, testPrefix, TEST_REDIS_URL, type CamserverProcess } from "../support/camserver.ts";
import { startRtspCamera, type TestbedServer } from "../support/testbed.ts";

const PASSWORD = "at-rest-pw-7319";
let locked: TestbedServer;
let open: TestbedServer;
let dataDir: string;
const prefix = testPrefix("secret");
let server: CamserverProcess | undefined;

const start = (secret: string) => startCamserver("start", { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, DATA_DIR: dataDir, CAMSERVER_SECRET: secret });

beforeAll(async () => {
  locked = await startRtspCamera({ user: "admin", pass: PASSWORD });
  open = await startRtspCamera();
  dataDir = tempDir("secret");
});
afterAll(async () => {
  await server?.stop();
  await stopAll();
});

describe("CAMSERVER_SECRET", () => {
  it("keeps the password out of the database files", async () => {
    server = await start("11".repeat(32));
    const r = await server.call("POST", "/v1/cameras", {
      id: "locked",
      name: "Locked",
      source_url: `rtsp://127.0.0.1:${locked.port}/stream1`,
      username: "admin",
      password: PASSWORD,
    });
    expect(r.status).toBe(201);
    expect((await server.call("POST", "/v1/cameras", { id: "open", name: "Open", source_url: open.url })).status).toBe(201);
    const s = await server.call("POST", "/v1/streams/start", { camera_id: "locked" });
    expect(s.status).toBe(200);
    await server.stop();
    server = undefined;
    for (const f of ["camserver.db", "camserver.db-wal"]) {
      const file = Bun.file(join(dataDir, f));
      if (await file.exists()) expect(Buffer.from(await file.bytes()).includes(PASSWORD)).toBe(false);
    }
  }, 30_000);

  it("fails only the camera sealed under another secret, naming CAMSERVER_SECRET", async () => {
    server = await start("22".repeat(32));
    const list = await server.call("GET", "/v1/cameras");
    expect(list.status).toBe(200);
    expect(list.json.map((c: { id: string }) => c.id).sort()).toEqual(["locked", "open"]);
    const refused = await server.call("POST", "/v1/streams/start", { camera_id: "locked" });
    expect(refused.status).toBe(500);
    expect(refused.json.error).toContain("CAMSERVER_SECRET");
    expect(refused.text).not.toContain(PASSWORD);
    // The camera can still be seen, and repaired by entering its password again.
    expect((await server.call("GET", "/v1/cameras/locked")).status).toBe(200);
    expect((await server.call("PATCH", "/v1/cameras/locked", { password: PASSWORD })).status).toBe(200);
    expect((await server.call("POST", "/v1/streams/start", { camera_id: "locked" })).status).toBe(200);
    const ok = await server.call("POST", "/v1/streams/start", { camera_id: "open" });
    expect(ok.status).toBe(200);
  }, 40_000);
});
