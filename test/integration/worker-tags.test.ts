/**
 * Host binding by worker tags, on the real Redis: a camera with `worker_tag` is consumed
 * only by workers whose WORKER_TAGS include it. First CameraQueues of two "workers" in this
 * process (which Worker runs the pipeline job), then real processes: an API and a worker
 * without the tag never take the shm camera (504), a worker with the tag does (holder).
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import type { Job } from "bullmq";
import Redis from "ioredis";
import { rmSync } from "node:fs";
import { pipelineJobId } from "../../queues/names.ts";
import type { PipelineJob } from "../../queues/payloads.ts";
import { CameraQueues } from "../../workers/camera-queues.ts";
import { startBackground, stopAll } from "../support/background.ts";
import { eventually, startCamserver, TEST_REDIS_URL, TEST_TOKEN, tempDir, testPrefix, type CamserverProcess } from "../support/camserver.ts";
import { createTestDatabase, skipWithoutMysql, type TestDatabase } from "../support/mysql.ts";
import { fixture } from "../unit/media/fixtures.ts";
import { accessUnitsOf, compileCWriter, removeRings, ringName, writeFramesFile } from "./fixtures/shm-writers.ts";

const TAG = "host:board-a";

describe("CameraQueues with worker tags (two workers in one process, real Redis)", () => {
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  const prefix = testPrefix("tags");
  const ran: string[] = [];
  const required = new Map<string, string | null>([
    ["tagged", TAG],
    ["free", null],
  ]);
  const worker = (name: string, tags: string[]) =>
    new CameraQueues(
      redis,
      prefix,
      async (job: Job<PipelineJob>) => {
        ran.push(`${name}:${job.data.cameraId}`);
        return "done";
      },
      { workerTags: tags, requiredTag: async (id) => required.get(id) ?? null },
    );
  const plain = worker("plain", []);
  const board = worker("board", ["gpu", TAG]);
  afterAll(async () => {
    await Promise.all([plain.close(), board.close()]);
    redis.disconnect();
  });

  it("leaves a tagged camera's job to the worker with the tag", async () => {
    await plain.wantPipeline("tagged"); // any worker may add the job
    expect(plain.consumes("tagged")).toBe(false);
    await Bun.sleep(500);
    expect(ran).toEqual([]);
    const queue = await plain.ensure("tagged");
    expect(await queue.getJobState(pipelineJobId("tagged"))).toBe("waiting");
    await board.ensure("tagged");
    expect(board.consumes("tagged")).toBe(true);
    expect(await eventually(() => ran.includes("board:tagged"), 5000)).toBe(true);
    expect(ran).not.toContain("plain:tagged");
  });

  it("lets every worker consume a camera without a tag", async () => {
    await plain.ensure("free");
    await board.ensure("free");
    expect([plain.consumes("free"), board.consumes("free")]).toEqual([true, true]);
    await plain.wantPipeline("free");
    expect(await eventually(() => ran.some((r) => r.endsWith(":free")), 5000)).toBe(true);
  });

  it("follows a changed tag: the camera moves to the workers that have the new one", async () => {
    await plain.ensure("tagged", null);
    await board.ensure("tagged", "host:board-b");
    expect([plain.consumes("tagged"), board.consumes("tagged")]).toEqual([true, false]);
    expect(plain.cameraIds()).toContain("tagged");
    expect(board.cameraIds()).not.toContain("tagged");
  });
});

describe.skipIf(skipWithoutMysql)("worker processes with and without the tag (shm camera)", () => {
  let db: TestDatabase;
  let api: CamserverProcess;
  let writerDir = "";
  let env: Record<string, string>;
  const name = ringName("tags");

  beforeAll(async () => {
    db = await createTestDatabase();
    const c = compileCWriter();
    writerDir = c.dir;
    await writeFramesFile(`${writerDir}/frames`, accessUnitsOf(fixture("clip320.h264")));
    const ring = startBackground([c.binary, "stream", name, `${writerDir}/frames`, "30", "0"]);
    await ring.waitFor(/ready/);
    env = { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: testPrefix("tags-e2e"), DATABASE_URL: db.url };
    api = await startCamserver("api", { ...env, DATA_DIR: tempDir("tags-api") });
  }, 60_000);
  afterAll(async () => {
    await stopAll();
    removeRings();
    await db?.drop();
    if (writerDir) rmSync(writerDir, { recursive: true, force: true });
  });

  const snapshot = () => fetch(`${api.base}/v1/cameras/board/snapshot`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });

  it("a worker without the tag does not take the camera", async () => {
    await startCamserver("worker", { ...env, DATA_DIR: tempDir("tags-any"), WORKER_ID: "worker-any" });
    const r = await api.call("POST", "/v1/cameras", { id: "board", name: "Board", source_url: `shm://${name}`, worker_tag: TAG });
    expect(r.status).toBe(201);
    expect(r.json.worker_tag).toBe(TAG);
    const snap = await snapshot();
    expect(snap.status).toBe(504);
    expect((await api.call("GET", "/v1/cameras/board")).json.holder ?? null).toBeNull();
  }, 60_000);

  it("a worker with the tag takes it and serves the snapshot", async () => {
    await startCamserver("worker", { ...env, DATA_DIR: tempDir("tags-board"), WORKER_ID: "worker-board", WORKER_TAGS: `gpu,${TAG}` });
    const snap = await snapshot();
    expect(snap.status).toBe(200);
    expect(snap.headers.get("content-type")).toBe("image/jpeg");
    expect((await api.call("GET", "/v1/cameras/board")).json.holder).toBe("worker-board");
  }, 60_000);
});
