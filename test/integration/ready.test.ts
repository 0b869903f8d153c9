/**
 * `GET /ready` of a real `api` process against a Redis server of its own and a MariaDB
 * database of its own: 200 while both answer; 503 naming Redis while it is down (and `/v1`
 * refused with 503 at once, `/health` still 200), ready again once Redis is back; 503
 * naming the database once the database is gone.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { rmSync } from "node:fs";
import { startBackground, stopAll, type Background } from "../support/background.ts";
import { eventually, startCamserver, tempDir, testPrefix, type CamserverProcess } from "../support/camserver.ts";
import { createTestDatabase, skipWithoutMysql, type TestDatabase } from "../support/mysql.ts";
import { freePort } from "../support/ports.ts";

const redisPort = freePort();
const redisDir = tempDir("ready-redis");
const dataDir = tempDir("ready-api");
let redisServer: Background;
let db: TestDatabase;
let api: CamserverProcess;

function startRedis(): Promise<string> {
  redisServer = startBackground(["redis-server", "--bind", "127.0.0.1", "--port", String(redisPort), "--save", "", "--appendonly", "no", "--dir", redisDir]);
  return redisServer.waitFor(/Ready to accept connections/);
}

beforeAll(async () => {
  if (skipWithoutMysql) return;
  db = await createTestDatabase();
  await startRedis();
  api = await startCamserver("api", {
    REDIS_URL: `redis://127.0.0.1:${redisPort}`,
    REDIS_PREFIX: testPrefix("ready"),
    DATABASE_URL: db.url,
    DATA_DIR: dataDir,
  });
});
afterAll(async () => {
  await stopAll();
  await db?.drop();
  for (const d of [redisDir, dataDir]) rmSync(d, { recursive: true, force: true });
});

async function ready(): Promise<{ status: number; body: Record<string, string> }> {
  const r = await fetch(`${api.base}/ready`);
  return { status: r.status, body: (await r.json()) as Record<string, string> };
}

describe.skipIf(skipWithoutMysql)("GET /ready", () => {
  it("answers 200 when Redis and the database answer", async () => {
    expect(await ready()).toEqual({ status: 200, body: { status: "ready", redis: "ok", database: "ok" } });
  });

  it("answers 503 naming Redis while it is down, refuses /v1 with 503 at once, and is ready again once Redis is back", async () => {
    await redisServer.kill();
    expect(await eventually(async () => (await ready()).status === 503, 3000)).toBe(true);
    const r = await ready();
    expect(r.body).toMatchObject({ status: "not ready", database: "ok" });
    expect(r.body.error).toBe("not ready: redis did not answer");
    expect(r.body.redis).not.toBe("ok");
    const t0 = performance.now();
    const v1 = await api.call("GET", "/v1/cameras");
    expect(v1.status).toBe(503);
    expect(v1.json.error).toContain("Redis unavailable");
    expect(performance.now() - t0).toBeLessThan(500);
    expect((await fetch(`${api.base}/health`)).status).toBe(200);

    await startRedis();
    expect(await eventually(async () => (await ready()).status === 200, 5000)).toBe(true);
    expect((await api.call("GET", "/v1/cameras")).status).toBe(200);
  });

  it("answers 503 naming the database once the database is gone", async () => {
    await db.drop();
    const r = await ready();
    expect(r.status).toBe(503);
    expect(r.body).toMatchObject({ status: "not ready", redis: "ok", error: "not ready: database did not answer" });
  });
});
