/**
 * The recorder against real bytes, files, SQLite and ffprobe: it starts at the cached
 * GOP's IDR when it joins mid-GOP, cuts fMP4 segments at keyframes, stops exactly at the
 * max duration, writes Annex-B with SPS/PPS before every IDR, begins a new part when the
 * parameter sets change, resumes after a dead writer (part interrupted, temporary files
 * gone, h264 file cut back to its durable length), and fails cleanly on an unwritable
 * directory.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Database } from "../../../../src/db/database.ts";
import { openDatabase } from "../../../../src/db/open-database.ts";
import { RecordingSegmentsRepository } from "../../../../src/db/recording-segments-repository.ts";
import { RecordingsRepository } from "../../../../src/db/recordings-repository.ts";
import { createLogger } from "../../../../src/log.ts";
import type { AccessUnit } from "../../../../src/media/access-unit.ts";
import { Pipeline } from "../../../../src/pipeline/pipeline.ts";
import { Recorder, type RecorderDeps } from "../../../../src/pipeline/record/recorder.ts";
import type { RecordingFormat } from "../../../../src/recordings/recording.ts";
import { annexBKeyframes, decodeErrors, probeFrames } from "../../../support/recording-probe.ts";
import { clipAccessUnits } from "./clip.ts";

let dir: string;
let database: Database;
let deps: RecorderDeps;
let recs: RecordingsRepository;
let segs: RecordingSegmentsRepository;
let n = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "camserver-recorder-"));
  database = await openDatabase({ url: join(dir, "db.sqlite"), dataDir: dir });
  recs = new RecordingsRepository(database.db);
  segs = new RecordingSegmentsRepository(database.db);
  deps = { recordings: recs, segments: segs, root: join(dir, "rec"), workerId: "w1", log: createLogger("silent") };
});
afterAll(async () => {
  await database.close();
  rmSync(dir, { recursive: true, force: true });
});

async function newRecording(format: RecordingFormat, o: { maxDurationS?: number; segmentS?: number } = {}) {
  const id = `rec_t${++n}`;
  const path = format === "fmp4" ? `cam1/${id}` : `cam1/${id}/recording_20240501_120000.h264`;
  return recs.create({
    id,
    cameraId: "cam1",
    path,
    format,
    trigger: "api",
    startedAt: Date.now(),
    maxDurationS: o.maxDurationS ?? null,
    segmentS: o.segmentS ?? 1,
  });
}

/** Init segment and every fragment of a part, concatenated as written (one part's timeline starts at 0). */
async function partFile(recordingId: string, part: number, root = deps.root): Promise<string> {
  const rec = await recs.get(recordingId);
  const chunks = [readFileSync(join(root, rec.path, `part-${part}`, "init.mp4"))];
  for (const s of (await segs.ofRecording(recordingId)).filter((s) => s.part === part)) chunks.push(readFileSync(join(root, s.path)));
  const out = join(dir, `${recordingId}-p${part}.mp4`);
  writeFileSync(out, Buffer.concat(chunks));
  return out;
}

function feed(pipeline: Pipeline, aus: readonly AccessUnit[]): void {
  for (const au of aus) pipeline.push(au);
}

describe("Recorder", () => {
  it("joins mid-GOP at the cached IDR and writes fMP4 segments cut at keyframes that ffprobe decodes", async () => {
    const aus = clipAccessUnits(4, 15);
    const pipeline = new Pipeline();
    feed(pipeline, aus.slice(0, 20)); // the cached GOP starts at frame 15
    const rec = await newRecording("fmp4", { segmentS: 1 });
    const r = new Recorder(deps, rec, pipeline);
    r.start();
    feed(pipeline, aus.slice(20));
    await r.stop();
    const after = await recs.get(rec.id);
    expect(after.frames).toBe(aus.length - 15);
    expect(after.durationMs).toBe(Math.round(((aus.length - 15) * 3000) / 90));
    expect((await recs.parts(rec.id)).map((p) => [p.part, p.state, p.frames])).toEqual([[1, "done", aus.length - 15]]);
    const s = await segs.ofRecording(rec.id);
    expect(s.map((x) => x.frames)).toEqual([30, 30, 30, 15]); // 1 s segments of two 15-frame GOPs
    expect(s.every((x, i) => x.seq === i + 1 && x.ticks === x.frames * 3000)).toBe(true);
    const file = await partFile(rec.id, 1);
    expect(decodeErrors(file)).toBe("");
    const frames = probeFrames(file);
    expect(frames.length).toBe(aus.length - 15);
    expect(frames[0]!.keyFrame).toBe(true);
    expect(readdirSync(join(deps.root, rec.path, "part-1")).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("stops at the max duration exactly and marks the recording done", async () => {
    const pipeline = new Pipeline();
    const rec = await newRecording("fmp4", { maxDurationS: 2, segmentS: 1 });
    const r = new Recorder(deps, rec, pipeline);
    r.start();
    feed(pipeline, clipAccessUnits(4, 15));
    for (let i = 0; i < 100 && r.endedAs === undefined; i++) await Bun.sleep(20);
    expect(r.endedAs).toBe("done");
    await r.stop();
    const after = await recs.get(rec.id);
    expect([after.state, after.frames, after.durationMs]).toEqual(["done", 60, 2000]);
    expect(after.endedAt).not.toBeNull();
    expect(decodeErrors(await partFile(rec.id, 1))).toBe("");
  });

  it("writes an Annex-B file with SPS and PPS before every IDR", async () => {
    const aus = clipAccessUnits(4, 15);
    const pipeline = new Pipeline();
    feed(pipeline, aus.slice(0, 7));
    const rec = await newRecording("h264");
    const r = new Recorder(deps, rec, pipeline);
    r.start();
    feed(pipeline, aus.slice(7));
    await r.stop();
    const file = join(deps.root, rec.path);
    const bytes = new Uint8Array(readFileSync(file));
    expect(annexBKeyframes(bytes)).toEqual({ idrs: 8, firstVcl: 5, missingAt: -1 });
    expect(decodeErrors(file, "h264")).toBe("");
    const after = await recs.get(rec.id);
    expect([after.frames, after.bytes]).toEqual([aus.length, bytes.byteLength]);
    expect((await segs.ofRecording(rec.id)).map((s) => [s.part, s.seq, s.bytes])).toEqual([[1, 1, bytes.byteLength]]);
  });

  it("begins a new part with its own init segment when the parameter sets change", async () => {
    const pipeline = new Pipeline();
    const rec = await newRecording("fmp4");
    const r = new Recorder(deps, rec, pipeline);
    r.start();
    feed(pipeline, clipAccessUnits(1, 15));
    pipeline.sourceRestarted();
    feed(pipeline, clipAccessUnits(1, 15, "160x120"));
    await r.stop();
    expect((await recs.parts(rec.id)).map((p) => [p.part, p.state, p.frames])).toEqual([
      [1, "done", 30],
      [2, "done", 30],
    ]);
    for (const part of [1, 2]) expect(decodeErrors(await partFile(rec.id, part))).toBe("");
  });

  it("resumes after a dead writer: the open part becomes interrupted and its leftovers are cleaned", async () => {
    const rec = await newRecording("fmp4");
    await recs.beginPart(rec.id, "dead-worker", Date.now());
    const leftover = join(deps.root, rec.path, "part-1", ".000002.m4s.tmp");
    mkdirSync(join(deps.root, rec.path, "part-1"), { recursive: true });
    writeFileSync(leftover, "half a segment");
    await recs.setState(rec.id, "interrupted", { endedAt: Date.now() });
    const pipeline = new Pipeline();
    const r = new Recorder(deps, await recs.get(rec.id), pipeline);
    r.start();
    feed(pipeline, clipAccessUnits(1, 15));
    await r.stop();
    expect((await recs.parts(rec.id)).map((p) => [p.part, p.state, p.worker])).toEqual([
      [1, "interrupted", "dead-worker"],
      [2, "done", "w1"],
    ]);
    expect((await recs.get(rec.id)).state).toBe("recording");
    expect(existsSync(leftover)).toBe(false);
  });

  it("cuts a dead h264 part back to its durable length on resume", async () => {
    const rec = await newRecording("h264");
    const pipeline = new Pipeline();
    const r = new Recorder(deps, rec, pipeline);
    r.start();
    feed(pipeline, clipAccessUnits(2, 15));
    await r.stop();
    const file = join(deps.root, rec.path);
    const durable = statSync(file).size;
    writeFileSync(file, Buffer.concat([readFileSync(file), Buffer.from([0, 0, 0, 1, 0x41, 0x9a])])); // a torn last write
    await recs.beginPart(rec.id, "dead-worker", Date.now()); // part 2 died before its first fsync
    // part 1 left open too, as after a SIGKILL
    await database.db.updateTable("recording_parts").set({ state: "recording" }).where("recording_id", "=", rec.id).where("part", "=", 1).execute();
    const again = new Recorder(deps, await recs.get(rec.id), pipeline);
    again.start();
    feed(pipeline, clipAccessUnits(1, 15));
    await again.stop();
    expect(statSync(file).size).toBe(durable);
    expect((await recs.parts(rec.id)).map((p) => [p.part, p.state])).toEqual([
      [1, "interrupted"],
      [2, "interrupted"],
      [3, "done"],
    ]);
    expect(decodeErrors(join(deps.root, `cam1/${rec.id}/recording_20240501_120000.part3.h264`), "h264")).toBe("");
  });

  it("fails the recording with a clear error when its directory cannot be made", async () => {
    const blocker = join(dir, "not-a-dir");
    writeFileSync(blocker, "x");
    const rec = await newRecording("fmp4");
    const pipeline = new Pipeline();
    const r = new Recorder({ ...deps, root: join(blocker, "rec") }, rec, pipeline);
    r.start();
    feed(pipeline, clipAccessUnits(1, 15));
    for (let i = 0; i < 100 && r.endedAs === undefined; i++) await Bun.sleep(20);
    expect(r.endedAs).toBe("failed");
    await r.stop();
    const after = await recs.get(rec.id);
    expect(after.state).toBe("failed");
    expect(after.error).toBe(`cannot write recording file cam1/${rec.id}/part-1: a path component is not a directory (ENOTDIR)`);
  });
});
