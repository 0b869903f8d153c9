/**
 * Recording maintenance, run every minute by one worker (a job scheduler on the `record`
 * queue):
 * - a recording still `recording` whose lease is gone (its recorder's worker died and no
 *   worker resumed it within the lease TTL) becomes `interrupted`, and so do its open parts;
 * - retention, per camera with settings: finished segments older than `max_age_h` are
 *   deleted, then the oldest ones until the camera's recordings fit in `max_bytes`; a
 *   finished recording left without segments is deleted with its directory. A segment's
 *   row goes before its file, so a crash in between leaves an orphan file, never a row
 *   that names a missing file.
 */
import { rm } from "node:fs/promises";
import type { RecordingSegmentsRepository } from "../src/db/recording-segments-repository.ts";
import type { RecordingSettingsRepository } from "../src/db/recording-settings-repository.ts";
import type { RecordingsRepository } from "../src/db/recordings-repository.ts";
import type { Logger } from "../src/log.ts";
import { removeRecordingFiles, resolveRecordingPath } from "../src/recordings/recording-files.ts";
import type { LeaseStore } from "../src/state/lease-store.ts";

/** What maintenance uses. */
export interface MaintenanceDeps {
  readonly recordings: RecordingsRepository;
  readonly segments: RecordingSegmentsRepository;
  readonly settings: RecordingSettingsRepository;
  readonly leases: LeaseStore;
  readonly root: string;
  readonly log: Logger;
}

/** A recording younger than this is never swept (its lease may be on its way), ms. */
const SWEEP_GRACE_MS = 30_000;
const BATCH = 200;

/** What one maintenance pass did. */
export interface MaintenanceResult {
  readonly interrupted: number;
  readonly deletedSegments: number;
  readonly deletedBytes: number;
  readonly deletedRecordings: number;
}

/** One maintenance pass (see the module comment). */
export async function maintainRecordings(deps: MaintenanceDeps, now: number): Promise<MaintenanceResult> {
  let interrupted = 0;
  for (const rec of await deps.recordings.list({ state: "recording", limit: 100_000 })) {
    if (now - rec.startedAt < SWEEP_GRACE_MS) continue;
    if ((await deps.leases.expiry(rec.cameraId, "record", rec.id)) !== undefined) continue;
    await deps.recordings.interruptOpenParts(rec.id, now);
    if (await deps.recordings.setState(rec.id, "interrupted", { from: ["recording"], endedAt: now, error: "its recorder stopped and nobody resumed it" }))
      interrupted++;
  }
  let deletedSegments = 0;
  let deletedBytes = 0;
  let deletedRecordings = 0;
  for (const s of await deps.settings.list()) {
    if (s.maxAgeH === null && s.maxBytes === null) continue;
    const cutoff = s.maxAgeH === null ? Number.NEGATIVE_INFINITY : now - s.maxAgeH * 3_600_000;
    let total = s.maxBytes === null ? 0 : await deps.segments.cameraBytes(s.cameraId);
    const touched = new Set<string>();
    for (;;) {
      const batch = await deps.segments.oldestFinished(s.cameraId, BATCH);
      const doomed = [];
      for (const seg of batch) {
        const old = seg.startMs + seg.durationMs < cutoff;
        const over = s.maxBytes !== null && total > s.maxBytes;
        if (!old && !over) break;
        doomed.push(seg);
        total -= seg.bytes;
      }
      if (doomed.length === 0) break;
      await deps.segments.delete(doomed.map((d) => d.id));
      for (const d of doomed) {
        await rm(resolveRecordingPath(deps.root, d.path), { force: true });
        touched.add(d.recordingId);
        deletedBytes += d.bytes;
      }
      deletedSegments += doomed.length;
      if (doomed.length < batch.length) break;
    }
    for (const id of touched) {
      const rec = await deps.recordings.get(id).catch(() => undefined);
      if (!rec || rec.state === "recording" || (await deps.segments.count(id)) > 0) continue;
      await deps.recordings.delete(id);
      await removeRecordingFiles(deps.root, rec);
      deletedRecordings++;
    }
  }
  if (interrupted + deletedSegments > 0) deps.log.info({ interrupted, deletedSegments, deletedBytes, deletedRecordings }, "recording maintenance");
  return { interrupted, deletedSegments, deletedBytes, deletedRecordings };
}
