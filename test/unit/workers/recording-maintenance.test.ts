/**
 * Recording maintenance against real SQLite, Redis and files: recordings whose lease is
 * gone become interrupted (young ones and leased ones are left alone); retention deletes
 * finished segments past max_age_h, then the oldest until max_bytes fits, rows before files,
 * never an h264 part being written, and a finished recording left empty with its directory.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { CamerasRepository } from "../../../src/db/cameras-repository.ts";
import type { Database } from "../../../src/db/database.ts";
import { openDatabase } from "../../../src/db/open-database.ts";
import { recordingRepositories, type RecordingRepositories } from "../../../src/db/recording-repositories.ts";
import { createLogger } from "../../../src/log.ts";
import { defaultRecordingSettings } from "../../../src/recordings/recording-settings.ts";
import { LeaseStore } from "../../../src/state/lease-store.ts";
import { maintainRecordings, type MaintenanceDeps } from "../../../workers/recording-maintenance.ts";
import { testRedis } from "../state/redis-test-utils.ts";

const { redis, keys, cleanup } = testRedis();
const leases = new LeaseStore(redis, keys);
const NOW = Date.now();
const HOUR = 3_600_000;
let dir: string;
let database: Database;
let repos: RecordingRepositories;
let deps: MaintenanceDeps;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "camserver-maint-"));
  database = await openDatabase({ url: join(dir, "db.sqlite"), dataDir: dir });
  repos = recordingRepositories(database.db);
  await new CamerasRepository(database.db).create({ id: "cam1", name: "One", sourceUrl: "rtsp://h/s", username: null, password: null, network: "local" });
  deps = {
    recordings: repos.recordings,
    segments: repos.recordingSegments,
    settings: repos.recordingSettings,
    leases,
    root: join(dir, "rec"),
    log: createLogger("silent"),
  };
});
afterAll(async () => {
  await database.close();
  await cleanup();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  for (const t of ["recording_segments", "recording_parts", "recordings", "camera_recording_settings"] as const) await database.db.deleteFrom(t).execute();
  await leases.releaseAll("cam1");
});

/** A finished fMP4 recording with `n` segments of 1000 bytes, the first starting at `startMs`, each a real file. */
async function recording(id: string, startMs: number, n: number, state: "done" | "recording" = "done", format: "fmp4" | "h264" = "fmp4") {
  await repos.recordings.create({
    id,
    cameraId: "cam1",
    path: format === "fmp4" ? `cam1/${id}` : `cam1/${id}/r.h264`,
    format,
    trigger: "api",
    startedAt: startMs,
    segmentS: 4,
  });
  await repos.recordings.beginPart(id, "w", startMs);
  for (let seq = 1; seq <= n; seq++) {
    const path = format === "fmp4" ? `cam1/${id}/part-1/${seq}.m4s` : `cam1/${id}/r.h264`;
    mkdirSync(dirname(join(deps.root, path)), { recursive: true });
    writeFileSync(join(deps.root, path), new Uint8Array(1000));
    await repos.recordingSegments.add({
      recordingId: id,
      cameraId: "cam1",
      part: 1,
      seq,
      path,
      startMs: startMs + (seq - 1) * 4000,
      durationMs: 4000,
      ticks: 360_000,
      bytes: 1000,
      frames: 120,
    });
  }
  if (state === "done") {
    await repos.recordings.endPart(id, 1, "done", startMs + n * 4000);
    await repos.recordings.setState(id, "done", { endedAt: startMs + n * 4000 });
  }
}

const segmentIds = async () => (await repos.recordingSegments.oldestFinished("cam1", 100)).map((s) => `${s.recordingId}/${s.seq}`);

describe("maintainRecordings", () => {
  it("marks a recording interrupted when its lease is gone, but not a young or a leased one", async () => {
    await recording("rec_lost", NOW - HOUR, 1, "recording");
    await recording("rec_young", NOW - 5000, 1, "recording");
    await recording("rec_leased", NOW - HOUR, 1, "recording");
    await leases.put("cam1", "record", "rec_leased", NOW + 15_000);
    const r = await maintainRecordings(deps, NOW);
    expect(r.interrupted).toBe(1);
    const lost = await repos.recordings.get("rec_lost");
    expect([lost.state, lost.endedAt]).toEqual(["interrupted", NOW]);
    expect((await repos.recordings.parts("rec_lost")).map((p) => p.state)).toEqual(["interrupted"]);
    expect((await repos.recordings.get("rec_young")).state).toBe("recording");
    expect((await repos.recordings.get("rec_leased")).state).toBe("recording");
  });

  it("deletes segments older than max_age_h, and an emptied finished recording with its directory", async () => {
    await recording("rec_old", NOW - 50 * HOUR, 2);
    await recording("rec_new", NOW - HOUR, 2);
    await repos.recordingSettings.put({ ...defaultRecordingSettings("cam1"), maxAgeH: 24, updatedAt: NOW });
    const r = await maintainRecordings(deps, NOW);
    expect(r).toEqual({ interrupted: 0, deletedSegments: 2, deletedBytes: 2000, deletedRecordings: 1 });
    expect(await segmentIds()).toEqual(["rec_new/1", "rec_new/2"]);
    await expect(repos.recordings.get("rec_old")).rejects.toThrow("not found");
    expect(existsSync(join(deps.root, "cam1/rec_old"))).toBe(false);
    expect(existsSync(join(deps.root, "cam1/rec_new/part-1/1.m4s"))).toBe(true);
  });

  it("deletes the oldest segments until the camera fits max_bytes, keeping a running recording's row", async () => {
    await recording("rec_a", NOW - 3 * HOUR, 3);
    await recording("rec_b", NOW - 2 * HOUR, 3, "recording");
    await leases.put("cam1", "record", "rec_b", NOW + 15_000);
    await repos.recordingSettings.put({ ...defaultRecordingSettings("cam1"), maxBytes: 1024 * 1024, updatedAt: NOW });
    expect((await maintainRecordings(deps, NOW)).deletedSegments).toBe(0);
    // 6000 bytes on disk; a cap of 2500 (below the 1 MiB the API allows, as if set directly) leaves 2 segments.
    await database.db.updateTable("camera_recording_settings").set({ max_bytes: 2500 }).execute();
    const r = await maintainRecordings(deps, NOW);
    expect([r.deletedSegments, r.deletedRecordings]).toEqual([4, 1]);
    expect(await segmentIds()).toEqual(["rec_b/2", "rec_b/3"]);
    expect((await repos.recordings.get("rec_b")).state).toBe("recording");
    expect(existsSync(join(deps.root, "cam1/rec_b/part-1/1.m4s"))).toBe(false);
  });

  it("never deletes the file of an h264 part that is being written", async () => {
    await recording("rec_h", NOW - 100 * HOUR, 1, "recording", "h264");
    await leases.put("cam1", "record", "rec_h", NOW + 15_000);
    await repos.recordingSettings.put({ ...defaultRecordingSettings("cam1"), maxAgeH: 1, updatedAt: NOW });
    expect((await maintainRecordings(deps, NOW)).deletedSegments).toBe(0);
    expect(existsSync(join(deps.root, "cam1/rec_h/r.h264"))).toBe(true);
  });
});
