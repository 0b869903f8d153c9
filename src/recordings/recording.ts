/**
 * Recordings as the rest of camserver sees them: a recording of one camera, its parts (one
 * per recorder run: a worker that took the camera over resumes the recording as a new part)
 * and its segments (fMP4 fragments on disk, or one Annex-B file per part). Pure types;
 * `src/db` stores them, `src/pipeline/record` writes them, `src/api` serves them.
 */

/** File format of a recording: fragmented MP4 segments, or one raw Annex-B H.264 file per part. */
export type RecordingFormat = "fmp4" | "h264";

/** Every accepted format. */
export const recordingFormats: readonly RecordingFormat[] = ["fmp4", "h264"];

/**
 * State of a recording or of one of its parts:
 * - `recording`: a recorder is (or should be) writing it;
 * - `done`: stopped cleanly (stop request, max duration, end of schedule; a part: also a
 *   clean hand-over to another worker);
 * - `failed`: a write failed (disk full, unwritable directory); `error` says why;
 * - `interrupted`: its recorder died without closing it (worker SIGKILL, power loss); a
 *   recording goes back to `recording` when another worker resumes it as a new part.
 */
export type RecordingState = "recording" | "done" | "failed" | "interrupted";

/** Who started a recording. */
export type RecordingTrigger = "api" | "seed" | "continuous" | "schedule";

/** One stored recording. Totals count what was recorded, over all parts. */
export interface RecordingRecord {
  /** `rec_` and 16 base36 characters. */
  readonly id: string;
  readonly cameraId: string;
  /** Relative to RECORDINGS_DIR: `<camera>/<id>` (fmp4) or `<camera>/<id>/<file>.h264` (h264, part 1). */
  readonly path: string;
  readonly format: RecordingFormat;
  readonly trigger: RecordingTrigger;
  /** Epoch ms the recording was requested. */
  readonly startedAt: number;
  /** Epoch ms it ended, null while recording. */
  readonly endedAt: number | null;
  /** Epoch ms at which the holder ends it (schedules), or null. */
  readonly stopAt: number | null;
  /** Most recorded media duration in seconds, or null for no limit. */
  readonly maxDurationS: number | null;
  /** Target fMP4 segment length in seconds (cut at the first keyframe after it). */
  readonly segmentS: number;
  readonly bytes: number;
  /** Access units written. */
  readonly frames: number;
  /** Media duration written, ms. */
  readonly durationMs: number;
  /** Parts begun so far. */
  readonly parts: number;
  readonly state: RecordingState;
  readonly error: string | null;
}

/** One recorder run of a recording. */
export interface RecordingPart {
  readonly recordingId: string;
  /** 1, 2, ... */
  readonly part: number;
  readonly state: RecordingState;
  /** Worker id of the recorder. */
  readonly worker: string;
  readonly startedAt: number;
  readonly endedAt: number | null;
  readonly bytes: number;
  readonly frames: number;
  readonly durationMs: number;
  readonly error: string | null;
}

/** One segment on disk: an fMP4 fragment file (moof + mdat), or the Annex-B file of an h264 part. */
export interface RecordingSegment {
  readonly recordingId: string;
  readonly cameraId: string;
  readonly part: number;
  /** 1, 2, ... within the part. */
  readonly seq: number;
  /** Relative to RECORDINGS_DIR. */
  readonly path: string;
  /** Wall-clock instant of its first frame, epoch ms. */
  readonly startMs: number;
  readonly durationMs: number;
  /** Media duration in 90 kHz ticks (exact; fragments are re-based with it). */
  readonly ticks: number;
  /** File size (h264: the bytes known to be on disk, fsynced). */
  readonly bytes: number;
  readonly frames: number;
}
