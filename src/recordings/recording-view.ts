/**
 * Recordings as API responses show them (the only JSON shape of a recording that leaves
 * the server), and recording ids. Instants are ISO 8601 in UTC; sizes in bytes; durations
 * in ms.
 */
import type { RecordingPart, RecordingRecord } from "./recording.ts";

const BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz";

/** A fresh recording id: `rec_` and 16 lowercase base36 characters from a CSPRNG. */
export function generateRecordingId(): string {
  let id = "rec_";
  while (id.length < 20) {
    for (const byte of crypto.getRandomValues(new Uint8Array(24))) {
      // 252 = 7 * 36: rejecting the top 4 byte values keeps every character equally likely.
      if (byte < 252 && id.length < 20) id += BASE36[byte % 36];
    }
  }
  return id;
}

/** Accepted recording ids (also guards file paths built from them). */
export const RECORDING_ID_PATTERN = /^rec_[0-9a-z]{16}$/;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** One part as API responses show it. */
export function publicPart(p: RecordingPart) {
  return {
    part: p.part,
    state: p.state,
    worker: p.worker,
    started_at: iso(p.startedAt),
    ended_at: iso(p.endedAt),
    bytes: p.bytes,
    frames: p.frames,
    duration_ms: p.durationMs,
    error: p.error,
  };
}

/** The file name a recording is served under: the `.h264` file's name, or `<id>.mp4`. */
export function recordingFilename(r: RecordingRecord): string {
  return r.format === "h264" ? r.path.slice(r.path.lastIndexOf("/") + 1) : `${r.id}.mp4`;
}

/** A recording as API responses show it; `parts` only when given. */
export function publicRecording(r: RecordingRecord, parts?: readonly RecordingPart[]) {
  return {
    id: r.id,
    camera_id: r.cameraId,
    format: r.format,
    trigger: r.trigger,
    state: r.state,
    error: r.error,
    filename: recordingFilename(r),
    file_url: `/v1/recordings/${r.id}/file`,
    started_at: iso(r.startedAt),
    ended_at: iso(r.endedAt),
    stop_at: iso(r.stopAt),
    max_duration_s: r.maxDurationS,
    segment_s: r.segmentS,
    bytes: r.bytes,
    frames: r.frames,
    duration_ms: r.durationMs,
    part_count: r.parts,
    ...(parts ? { parts: parts.map(publicPart) } : {}),
  };
}

/** The JSON shape of {@link publicRecording}. */
export type PublicRecording = ReturnType<typeof publicRecording>;
