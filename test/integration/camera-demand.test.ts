/**
 * Camera queues consumed on demand, against the real Redis with real BullMQ Workers: two
 * worker stand-ins (CameraQueues + CameraDemand + Reconciler, the pieces the runtime wires)
 * and a pipeline processor that holds its job until the test lets it end. A registered
 * camera nobody wants has no consumer; a lease makes every worker consume its queue; its job
 * runs once; the consumers close once nobody wants the camera and the job has ended; a
 * worker whose tags forbid the camera never consumes it; a lost signal is caught up by the
 * reconciler.
 */
import { afterAll, describe, expect, it } from "bun:test";
import type { Job } from "bullmq";
import type Redis from "ioredis";
import { openRedis } from "../../queues/connection.ts";
import type { PipelineJob } from "../../queues/payloads.ts";
import { HlsSessionStore } from "../../src/state/hls-session-store.ts";
import { Keys } from "../../src/state/keys.ts";
import { LeaseStore } from "../../src/state/lease-store.ts";
import { CameraDemand } from "../../workers/camera-demand.ts";
import { CameraQueues, type QueuePlacement } from "../../workers/camera-queues.ts";
import { Reconciler } from "../../workers/reconciler.ts";
import { eventually, TEST_REDIS_URL, testPrefix } from "../support/camserver.ts";

const prefix = testPrefix("demand");
const keys = new Keys(prefix);
const log = { warn() {}, info() {}, error() {}, debug() {} } as never;
const IDLE_CLOSE_MS = 300;

/** Jobs run, by worker name; each waits until `release` resolves it. */
const ran: { worker: string; cameraId: string }[] = [];
const holding = new Map<string, () => void>();

interface StandIn {
  readonly name: string;
  readonly redis: Redis;
  readonly queues: CameraQueues;
  readonly demand: CameraDemand;
  readonly reconciler: Reconciler;
}
const standIns: StandIn[] = [];

async function worker(name: string, placement?: QueuePlacement): Promise<StandIn> {
  const redis = openRedis(TEST_REDIS_URL);
  const processor = async (job: Job<PipelineJob>) => {
    ran.push({ worker: name, cameraId: job.data.cameraId });
    await new Promise<void>((resolve) => holding.set(job.data.cameraId, resolve));
    return "idle";
  };
  const queues = new CameraQueues(redis, prefix, processor, placement);
  const demand = new CameraDemand(queues, redis, keys, log, { idleCloseMs: IDLE_CLOSE_MS });
  await demand.start();
  const leases = new LeaseStore(redis, keys);
  const sessions = new HlsSessionStore(redis, keys, leases, { ttlMs: 60_000, idleMs: 60_000 });
  const s = { name, redis, queues, demand, reconciler: new Reconciler(leases, sessions, queues, demand, log) };
  standIns.push(s);
  return s;
}

afterAll(async () => {
  for (const release of holding.values()) release();
  for (const s of standIns) {
    await s.demand.stop();
    await s.queues.close();
    s.redis.disconnect();
  }
});

/** Blocking connections of this test's BullMQ Workers (BullMQ names them `<prefix>:<queue>`). */
async function workerConnections(redis: Redis): Promise<number> {
  const list = (await redis.client("LIST")) as string;
  return list.split("\n").filter((l) => l.includes(` name=${prefix}:`)).length;
}

describe("camera queues consumed on demand", () => {
  it("consumes no camera's queue until the camera is wanted, then consumes it on every worker", async () => {
    const a = await worker("a");
    const b = await worker("b");
    await a.reconciler.once();
    await b.reconciler.once();
    expect(a.queues.cameraIds()).toEqual([]);
    expect(await workerConnections(a.redis)).toBe(0);

    await new LeaseStore(a.redis, keys).put("cam-1", "hls", "s1", Date.now() + 60_000);
    expect(await eventually(() => a.queues.consumes("cam-1") && b.queues.consumes("cam-1"), 2000)).toBe(true);
    expect(await eventually(async () => (await workerConnections(a.redis)) === 2, 2000)).toBe(true);
  });

  it("runs the camera's pipeline job once, and closes the consumers once nobody wants the camera and the job ended", async () => {
    const [a, b] = standIns as [StandIn, StandIn];
    await a.queues.wantPipeline("cam-1");
    await b.queues.wantPipeline("cam-1");
    expect(await eventually(() => ran.length === 1, 5000)).toBe(true);
    expect(await a.queues.hasPipelineJob("cam-1")).toBe(true);

    // No lease, but the job is running: both keep consuming (a stalled job must be taken over).
    await new LeaseStore(a.redis, keys).release("cam-1", "hls", "s1");
    await a.demand.sweep(Date.now() + IDLE_CLOSE_MS * 2);
    expect(a.queues.consumes("cam-1") && b.queues.consumes("cam-1")).toBe(true);

    holding.get("cam-1")!();
    expect(await eventually(async () => !(await a.queues.hasPipelineJob("cam-1")), 5000)).toBe(true);
    for (const s of [a, b]) await s.demand.sweep(Date.now() + IDLE_CLOSE_MS * 4);
    expect(a.queues.cameraIds()).toEqual([]);
    expect(b.queues.cameraIds()).toEqual([]);
    expect(await eventually(async () => (await workerConnections(a.redis)) === 0, 2000)).toBe(true);
    expect(ran).toEqual([{ worker: ran[0]!.worker, cameraId: "cam-1" }]);
  });

  it("never consumes the queue of a camera whose worker tag this worker lacks", async () => {
    const c = await worker("c", { workerTags: ["host:c"], requiredTag: async () => "host:elsewhere" });
    await new LeaseStore(c.redis, keys).put("cam-2", "snapshot", "j1", Date.now() + 60_000);
    await c.reconciler.once();
    expect(await eventually(() => standIns[0]!.queues.consumes("cam-2"), 2000)).toBe(true);
    expect(c.queues.consumes("cam-2")).toBe(false);
  });

  it("catches up a camera-wanted signal it did not hear in its reconciler pass", async () => {
    const late = await worker("late");
    // cam-2 was leased before `late` subscribed: only the leased set tells it.
    expect(late.queues.consumes("cam-2")).toBe(false);
    await late.reconciler.once();
    expect(late.queues.consumes("cam-2")).toBe(true);
    // The pass also added cam-2's pipeline job (the lease wants it).
    expect(await late.queues.hasPipelineJob("cam-2")).toBe(true);
    expect(await eventually(() => ran.some((r) => r.cameraId === "cam-2"), 5000)).toBe(true);
    expect(ran.filter((r) => r.cameraId === "cam-2")).toHaveLength(1);
    expect(ran.find((r) => r.cameraId === "cam-2")!.worker).not.toBe("c");
  });
});
