/**
 * `record` processor. "start": check the camera, create the recording row, put its
 * `record:<id>` lease, make sure the camera's pipeline job exists, and answer once the
 * holder's recorder has begun the first part (or the camera or the disk failed). "stop":
 * release the lease, wait for the recorder to write its last segment, mark the recording
 * done. "ensure": keep a camera's continuous or scheduled recording running. "maintain":
 * retention, and recordings whose recorder vanished with nobody resuming them.
 */
import type { Job } from "bullmq";
import type Redis from "ioredis";
import { randomBytes } from "node:crypto";
import type { CamerasRepository } from "../src/db/cameras-repository.ts";
import type { RecordingSegmentsRepository } from "../src/db/recording-segments-repository.ts";
import type { RecordingSettingsRepository } from "../src/db/recording-settings-repository.ts";
import type { RecordingsRepository } from "../src/db/recordings-repository.ts";
import { ConflictError, NotFoundError, StorageError } from "../src/errors.ts";
import type { Logger } from "../src/log.ts";
import type { RecordingRecord } from "../src/recordings/recording.ts";
import { defaultH264Filename } from "../src/recordings/recording-input.ts";
import { generateRecordingId, publicRecording } from "../src/recordings/recording-view.ts";
import type { Keys } from "../src/state/keys.ts";
import type { LeaseStore } from "../src/state/lease-store.ts";
import { deleteIfOwned } from "../src/state/owned-key.ts";
import type { RecordEnsureJob, RecordJob, RecordResult, RecordStartJob } from "../queues/payloads.ts";
import { awaitCamera, type AwaitCameraDeps } from "./await-camera.ts";
import { domainFailure } from "./domain-failure.ts";
import { maintainRecordings } from "./recording-maintenance.ts";

/** Services of the record processor. */
export interface RecordDeps extends AwaitCameraDeps {
  readonly redis: Redis;
  readonly keys: Keys;
  readonly cameras: CamerasRepository;
  readonly recordings: RecordingsRepository;
  readonly segments: RecordingSegmentsRepository;
  readonly settings: RecordingSettingsRepository;
  readonly leases: LeaseStore;
  /** RECORDINGS_DIR, absolute. */
  readonly root: string;
  readonly log: Logger;
}

/** Time allowed after the connect timeout for the first keyframe, ms. */
const FIRST_FRAME_MS = 10_000;
/** A new recording's lease until the holder's record output refreshes it, ms. */
const FIRST_LEASE_MS = 30_000;
/** How long "stop" waits for the recorder's last segment, ms. */
const STOP_WAIT_MS = 8_000;
/** A scheduled recording runs this long past the end of the last minute its cron matched, ms. */
export const SCHEDULE_MARGIN_MS = 15_000;

/** Builds the processor of the `record` queue. */
export function recordProcessor(deps: RecordDeps) {
  return (job: Job<RecordJob>): Promise<unknown> =>
    domainFailure(async () => {
      const d = job.data;
      switch (d.kind) {
        case "start":
          return start(deps, d);
        case "stop":
          return stop(deps, d.recordingId);
        case "ensure":
          return ensure(deps, d);
        case "maintain":
          return maintainRecordings(deps, Date.now());
      }
    });
}

async function create(
  deps: RecordDeps,
  o: {
    cameraId: string;
    format: RecordStartJob["format"];
    trigger: RecordingRecord["trigger"];
    maxDurationS?: number | null;
    filename?: string;
    segmentS: number;
    stopAt?: number | null;
  },
): Promise<RecordingRecord> {
  const id = generateRecordingId();
  const now = Date.now();
  const dir = `${o.cameraId}/${id}`;
  const rec = await deps.recordings.create({
    id,
    cameraId: o.cameraId,
    path: o.format === "fmp4" ? dir : `${dir}/${o.filename ?? defaultH264Filename(now)}`,
    format: o.format,
    trigger: o.trigger,
    startedAt: now,
    maxDurationS: o.maxDurationS ?? null,
    segmentS: o.segmentS,
    stopAt: o.stopAt ?? null,
  });
  await deps.leases.put(o.cameraId, "record", id, now + FIRST_LEASE_MS);
  await deps.cameraQueues.wantPipeline(o.cameraId);
  deps.log.info({ camera: o.cameraId, recording: id, format: o.format, trigger: o.trigger }, "recording created");
  return rec;
}

/** Runs `work` holding the camera's short start lock (the seed's one-recording check). */
async function withStartLock<T>(deps: RecordDeps, cameraId: string, work: () => Promise<T>): Promise<T> {
  const key = deps.keys.recordingStartLock(cameraId);
  const token = randomBytes(8).toString("hex");
  const deadline = Date.now() + 10_000;
  while ((await deps.redis.set(key, token, "PX", 10_000, "NX")) !== "OK") {
    if (Date.now() > deadline) throw new ConflictError(`camera ${cameraId}: another recording start is under way`);
    await Bun.sleep(25);
  }
  try {
    return await work();
  } finally {
    await deleteIfOwned(deps.redis, key, token);
  }
}

async function start(deps: RecordDeps, job: RecordStartJob): Promise<RecordResult> {
  const camera = await deps.cameras.get(job.cameraId);
  const segmentS = (await deps.settings.get(camera.id)).segmentS;
  const make = () => create(deps, { ...job, trigger: job.trigger ?? "api", segmentS });
  const rec = job.exclusive
    ? await withStartLock(deps, camera.id, async () => {
        const [running] = await deps.recordings.list({ cameraId: camera.id, state: "recording", trigger: job.trigger ?? "api", limit: 1 });
        if (running) throw new ConflictError(`camera ${camera.id} is already recording (${running.id}); stop it first`);
        return make();
      })
    : await make();
  try {
    await awaitCamera(deps, camera.id, camera.network, rec.startedAt, FIRST_FRAME_MS, async () => {
      const r = await deps.recordings.get(rec.id);
      return r.parts > 0 || r.state !== "recording" ? r : undefined;
    });
  } catch (err) {
    await deps.leases.release(camera.id, "record", rec.id);
    await deps.recordings.setState(rec.id, "failed", { from: ["recording"], endedAt: Date.now(), error: (err as Error).message });
    throw err;
  }
  const r = await deps.recordings.get(rec.id);
  if (r.state === "failed") throw new StorageError(`recording ${r.id} failed: ${r.error}`);
  return publicRecording(r, await deps.recordings.parts(r.id));
}

async function stop(deps: RecordDeps, id: string): Promise<RecordResult> {
  const rec = await deps.recordings.get(id);
  if (rec.state !== "recording" && rec.state !== "interrupted") throw new ConflictError(`recording ${id} is not running (it is ${rec.state})`);
  await deps.leases.release(rec.cameraId, "record", id);
  const deadline = Date.now() + STOP_WAIT_MS;
  while ((await deps.recordings.hasOpenPart(id)) && Date.now() < deadline) await Bun.sleep(50);
  // A part still open now belongs to a recorder that is gone (its worker died).
  await deps.recordings.interruptOpenParts(id, Date.now());
  await deps.recordings.setState(id, "done", { from: ["recording", "interrupted"], endedAt: Date.now() });
  deps.log.info({ camera: rec.cameraId, recording: id }, "recording stopped");
  return publicRecording(await deps.recordings.get(id), await deps.recordings.parts(id));
}

async function ensure(deps: RecordDeps, job: RecordEnsureJob): Promise<string> {
  const { cameraId } = job;
  try {
    await deps.cameras.get(cameraId);
  } catch (err) {
    if (err instanceof NotFoundError) return "camera deleted";
    throw err;
  }
  const s = await deps.settings.get(cameraId);
  if (s.mode === "off") return "off";
  const now = Date.now();
  const stopAt = s.mode === "schedule" ? Math.floor(now / 60_000) * 60_000 + 60_000 + SCHEDULE_MARGIN_MS : null;
  const [running] = await deps.recordings.list({ cameraId, state: "recording", trigger: s.mode, limit: 1 });
  if (running && (await deps.leases.expiry(cameraId, "record", running.id)) !== undefined) {
    if (stopAt !== null && (running.stopAt ?? 0) < stopAt) await deps.recordings.setStopAt(running.id, stopAt);
    return `running ${running.id}`;
  }
  if (running) {
    await deps.recordings.interruptOpenParts(running.id, now);
    await deps.recordings.setState(running.id, "interrupted", { from: ["recording"], endedAt: now, error: "its recorder stopped and nobody resumed it" });
  }
  const rec = await create(deps, { cameraId, format: s.format, trigger: s.mode, segmentS: s.segmentS, stopAt });
  return `started ${rec.id}`;
}
