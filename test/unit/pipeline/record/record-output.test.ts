/**
 * The record output against real Redis leases, SQLite and files: a recorder per
 * `record:<id>` lease, stopped when its lease goes, leases refreshed while it records, a
 * recording ended at its wall-clock `stop_at` (schedules) with its lease given back, and a
 * lease of a finished or unknown recording dropped.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Database } from "../../../../src/db/database.ts";
import { openDatabase } from "../../../../src/db/open-database.ts";
import { recordingRepositories, type RecordingRepositories } from "../../../../src/db/recording-repositories.ts";
import { createLogger } from "../../../../src/log.ts";
import { Pipeline } from "../../../../src/pipeline/pipeline.ts";
import { RECORD_LEASE_MS, RecordOutput } from "../../../../src/pipeline/record/record-output.ts";
import { LeaseStore } from "../../../../src/state/lease-store.ts";
import { cameraId, testRedis } from "../../state/redis-test-utils.ts";
import { clipAccessUnits } from "./clip.ts";

const { redis, keys, cleanup } = testRedis();
const leases = new LeaseStore(redis, keys);
let dir: string;
let database: Database;
let repos: RecordingRepositories;
let n = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "camserver-recout-"));
  database = await openDatabase({ url: join(dir, "db.sqlite"), dataDir: dir });
  repos = recordingRepositories(database.db);
});
afterAll(async () => {
  await database.close();
  await cleanup();
  rmSync(dir, { recursive: true, force: true });
});

/** A held camera fed with 30 fps access units in real time while `run` goes on, ticking the output every 250 ms. */
async function holding(cam: string, run: (out: RecordOutput, tick: () => Promise<void>) => Promise<void>): Promise<void> {
  const pipeline = new Pipeline();
  const out = new RecordOutput(
    { leases, recordings: repos.recordings, segments: repos.recordingSegments, root: join(dir, "rec"), workerId: "w1", log: createLogger("silent") },
    { id: cam, sourceUrl: "rtsp://h/s", username: null, password: null, network: "local", sourceEngine: "auto", maxViewers: 1 } as never,
    pipeline,
  );
  const aus = clipAccessUnits(4, 30);
  let i = 0;
  const feeder = setInterval(() => {
    const au = aus[i % aus.length]!;
    pipeline.push({ ...au, dts: i * 3000, pts: i * 3000 });
    i++;
  }, 33);
  try {
    await out.start();
    await run(out, () => out.tick());
  } finally {
    clearInterval(feeder);
    await out.stop();
  }
}

async function newRecording(cam: string, stopAt: number | null = null) {
  const id = `rec_out${++n}`;
  await repos.recordings.create({ id, cameraId: cam, path: `${cam}/${id}`, format: "fmp4", trigger: "schedule", startedAt: Date.now(), segmentS: 1, stopAt });
  await leases.put(cam, "record", id, Date.now() + 5000);
  return id;
}

async function ticks(tick: () => Promise<void>, ms: number): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end; ) {
    await tick();
    await Bun.sleep(250);
  }
}

describe("RecordOutput", () => {
  it("records while the lease lives, refreshing it, and ends the part when the lease is released", async () => {
    const cam = cameraId();
    const id = await newRecording(cam);
    await holding(cam, async (_out, tick) => {
      await ticks(tick, 2000);
      expect(await leases.expiry(cam, "record", id)).toBeGreaterThan(Date.now() + RECORD_LEASE_MS - 2000);
      expect((await repos.recordings.parts(id)).map((p) => p.state)).toEqual(["recording"]);
      await leases.release(cam, "record", id);
      await ticks(tick, 500);
      expect((await repos.recordings.parts(id)).map((p) => p.state)).toEqual(["done"]);
    });
    const rec = await repos.recordings.get(id);
    expect(rec.state).toBe("recording"); // the stop request marks it done, not the output
    expect(rec.frames).toBeGreaterThan(30);
  });

  it("ends a recording at its stop_at and gives its lease back", async () => {
    const cam = cameraId();
    const id = await newRecording(cam, Date.now() + 1500);
    await holding(cam, async (_out, tick) => {
      await ticks(tick, 3000);
    });
    const rec = await repos.recordings.get(id);
    expect(rec.state).toBe("done");
    expect(rec.endedAt! - rec.stopAt!).toBeLessThan(1500);
    expect(await leases.expiry(cam, "record", id)).toBeUndefined();
    expect((await repos.recordings.parts(id)).map((p) => p.state)).toEqual(["done"]);
  });

  it("drops the lease of a finished or unknown recording without recording", async () => {
    const cam = cameraId();
    const id = await newRecording(cam);
    await repos.recordings.setState(id, "done", { endedAt: Date.now() });
    await leases.put(cam, "record", "rec_nosuchrecording", Date.now() + 5000);
    await holding(cam, async (_out, tick) => {
      await tick();
      expect(await leases.members(cam, "record")).toEqual([]);
    });
    expect((await repos.recordings.get(id)).parts).toBe(0);
  });
});
