import { afterAll, beforeAll, beforeEach, expect, it } from "bun:test";
import { CamerasRepository } from "../../../src/db/cameras-repository.ts";
import type { Database } from "../../../src/db/database.ts";
import { openDatabase } from "../../../src/db/open-database.ts";
import { RecordingSegmentsRepository } from "../../../src/db/recording-segments-repository.ts";
import { RecordingSettingsRepository } from "../../../src/db/recording-settings-repository.ts";
import { RecordingsRepository } from "../../../src/db/recordings-repository.ts";
import { NotFoundError } from "../../../src/errors.ts";
import type { RecordingSegment } from "../../../src/recordings/recording.ts";
import { defaultRecordingSettings } from "../../../src/recordings/recording-settings.ts";
import { describeEachDialect } from "./dialects.ts";

const T0 = 1_714_564_800_123;

function segment(recordingId: string, part: number, seq: number, startMs: number, over: Partial<RecordingSegment> = {}): RecordingSegment {
  return {
    recordingId,
    cameraId: "cam1",
    part,
    seq,
    path: `cam1/${recordingId}/part-${part}/${seq}.m4s`,
    startMs,
    durationMs: 4000,
    ticks: 360_000,
    bytes: 1000,
    frames: 120,
    ...over,
  };
}

describeEachDialect("RecordingsRepository", (ctx) => {
  let database: Database;
  let recs: RecordingsRepository;
  let segs: RecordingSegmentsRepository;
  let settings: RecordingSettingsRepository;

  beforeAll(async () => {
    database = await openDatabase({ url: ctx.url, dataDir: "/nonexistent" });
    recs = new RecordingsRepository(database.db);
    segs = new RecordingSegmentsRepository(database.db);
    settings = new RecordingSettingsRepository(database.db);
    await new CamerasRepository(database.db).create({ id: "cam1", name: "One", sourceUrl: "rtsp://h/s", username: null, password: null, network: "local" });
  });
  afterAll(() => database.close());
  beforeEach(async () => {
    await database.db.deleteFrom("recording_segments").execute();
    await database.db.deleteFrom("recording_parts").execute();
    await database.db.deleteFrom("recordings").execute();
    await database.db.deleteFrom("camera_recording_settings").execute();
  });

  const create = (id: string, startedAt = T0, format: "fmp4" | "h264" = "fmp4") =>
    recs.create({ id, cameraId: "cam1", path: `cam1/${id}`, format, trigger: "api", startedAt, maxDurationS: 10, segmentS: 4 });

  it("stores a recording in state recording with zero totals and reads it back", async () => {
    const r = await create("rec_a");
    expect(r).toEqual({
      id: "rec_a",
      cameraId: "cam1",
      path: "cam1/rec_a",
      format: "fmp4",
      trigger: "api",
      startedAt: T0,
      endedAt: null,
      stopAt: null,
      maxDurationS: 10,
      segmentS: 4,
      bytes: 0,
      frames: 0,
      durationMs: 0,
      parts: 0,
      state: "recording",
      error: null,
    });
    await expect(recs.get("nope")).rejects.toBeInstanceOf(NotFoundError);
  });

  it("lists by camera, state and time span, newest first", async () => {
    await create("rec_a", T0);
    await create("rec_b", T0 + 60_000);
    await recs.setState("rec_a", "done", { endedAt: T0 + 10_000 });
    expect((await recs.list({ cameraId: "cam1" })).map((r) => r.id)).toEqual(["rec_b", "rec_a"]);
    expect((await recs.list({ from: T0 + 20_000 })).map((r) => r.id)).toEqual(["rec_b"]);
    expect((await recs.list({ to: T0 + 1000 })).map((r) => r.id)).toEqual(["rec_a"]);
    expect((await recs.list({ state: "recording" })).map((r) => r.id)).toEqual(["rec_b"]);
    expect(await recs.list({ cameraId: "other" })).toEqual([]);
  });

  it("changes state only from the states given", async () => {
    await create("rec_a");
    expect(await recs.setState("rec_a", "done", { from: ["failed"] })).toBe(false);
    expect(await recs.setState("rec_a", "failed", { from: ["recording"], error: "x".repeat(2000), endedAt: T0 + 5 })).toBe(true);
    const r = await recs.get("rec_a");
    expect(r.state).toBe("failed");
    expect(r.error?.length).toBe(1000);
    expect(r.endedAt).toBe(T0 + 5);
  });

  it("begins parts in order, marking an open part interrupted and the recording recording again", async () => {
    await create("rec_a");
    expect(await recs.beginPart("rec_a", "w1", T0 + 1)).toEqual({ part: 1, interrupted: [] });
    await recs.setState("rec_a", "interrupted", { endedAt: T0 + 9 });
    const second = await recs.beginPart("rec_a", "w2", T0 + 10);
    expect(second.part).toBe(2);
    expect(second.interrupted.map((p) => [p.part, p.state, p.worker])).toEqual([[1, "interrupted", "w1"]]);
    const r = await recs.get("rec_a");
    expect([r.state, r.parts, r.endedAt]).toEqual(["recording", 2, null]);
    expect(await recs.hasOpenPart("rec_a")).toBe(true);
    expect(await recs.endPart("rec_a", 2, "done", T0 + 20)).toBe(true);
    expect(await recs.endPart("rec_a", 2, "failed", T0 + 21)).toBe(false);
    expect(await recs.hasOpenPart("rec_a")).toBe(false);
    expect((await recs.parts("rec_a")).map((p) => [p.part, p.state, p.endedAt])).toEqual([
      [1, "interrupted", T0 + 10],
      [2, "done", T0 + 20],
    ]);
    await expect(recs.beginPart("nope", "w", T0)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("adds segments to their part's and recording's totals, and grows an h264 part's segment", async () => {
    await create("rec_a");
    await recs.beginPart("rec_a", "w1", T0);
    await segs.add(segment("rec_a", 1, 1, T0));
    await segs.add(segment("rec_a", 1, 2, T0 + 4000, { bytes: 500, frames: 60, durationMs: 2000, ticks: 180_000 }));
    let r = await recs.get("rec_a");
    expect([r.bytes, r.frames, r.durationMs]).toEqual([1500, 180, 6000]);
    await create("rec_h", T0, "h264");
    await recs.beginPart("rec_h", "w1", T0);
    await segs.add(segment("rec_h", 1, 1, T0, { bytes: 0, frames: 0, durationMs: 0, ticks: 0 }));
    await segs.grow("rec_h", 1, 1, { bytes: 700, frames: 30, durationMs: 1000, ticks: 90_000 });
    await segs.grow("rec_h", 1, 1, { bytes: 300, frames: 30, durationMs: 1000, ticks: 90_000 });
    const [h] = await segs.ofRecording("rec_h");
    expect([h!.bytes, h!.frames, h!.durationMs, h!.ticks]).toEqual([1000, 60, 2000, 180_000]);
    r = await recs.get("rec_h");
    expect([r.bytes, r.frames, r.durationMs]).toEqual([1000, 60, 2000]);
    expect((await recs.parts("rec_h"))[0]!.bytes).toBe(1000);
    expect(await segs.cameraBytes("cam1")).toBe(2500);
  });

  it("finds fMP4 segments that overlap a time span, across recordings, in time order", async () => {
    await create("rec_a", T0);
    await create("rec_b", T0 + 10_000);
    await create("rec_h", T0, "h264");
    await segs.add(segment("rec_a", 1, 1, T0));
    await segs.add(segment("rec_a", 1, 2, T0 + 4000));
    await segs.add(segment("rec_b", 1, 1, T0 + 10_000));
    await segs.add(segment("rec_h", 1, 1, T0 + 5000));
    const ids = async (from: number, to: number) => (await segs.ofCameraBetween("cam1", from, to)).map((s) => `${s.recordingId}/${s.seq}`);
    expect(await ids(T0 + 5000, T0 + 12_000)).toEqual(["rec_a/2", "rec_b/1"]);
    expect(await ids(T0 + 8000, T0 + 10_000)).toEqual([]);
    expect(await ids(T0 - 1000, T0 + 1)).toEqual(["rec_a/1"]);
  });

  it("lists the oldest finished segments first, leaving an h264 part that is being written", async () => {
    await create("rec_h", T0, "h264");
    await recs.beginPart("rec_h", "w1", T0);
    await segs.add(segment("rec_h", 1, 1, T0));
    await create("rec_a", T0 + 1000);
    await recs.beginPart("rec_a", "w1", T0 + 1000);
    await segs.add(segment("rec_a", 1, 1, T0 + 1000));
    await segs.add(segment("rec_a", 1, 2, T0 + 5000));
    expect((await segs.oldestFinished("cam1", 10)).map((s) => s.recordingId + s.seq)).toEqual(["rec_a1", "rec_a2"]);
    await recs.endPart("rec_h", 1, "done", T0 + 9000);
    const all = await segs.oldestFinished("cam1", 2);
    expect(all.map((s) => s.recordingId + s.seq)).toEqual(["rec_h1", "rec_a1"]);
    await segs.delete([all[0]!.id]);
    expect(await segs.count("rec_h")).toBe(0);
    expect(await segs.count("rec_a")).toBe(2);
  });

  it("deletes a recording with its parts and segments", async () => {
    await create("rec_a");
    await recs.beginPart("rec_a", "w1", T0);
    await segs.add(segment("rec_a", 1, 1, T0));
    await recs.delete("rec_a");
    expect(await recs.list()).toEqual([]);
    expect(await segs.ofRecording("rec_a")).toEqual([]);
    await expect(recs.delete("rec_a")).rejects.toBeInstanceOf(NotFoundError);
  });

  it("keeps recording settings per camera, with defaults for a camera without any", async () => {
    expect(await settings.get("cam1")).toEqual(defaultRecordingSettings("cam1"));
    const s = { ...defaultRecordingSettings("cam1"), mode: "schedule" as const, cron: "* 8-17 * * 1-5", maxAgeH: 48, maxBytes: 2 ** 40, updatedAt: T0 };
    await settings.put(s);
    expect(await settings.get("cam1")).toEqual(s);
    await settings.put({ ...s, mode: "off", updatedAt: T0 + 1 });
    expect((await settings.list()).map((x) => [x.cameraId, x.mode, x.updatedAt])).toEqual([["cam1", "off", T0 + 1]]);
  });
});
