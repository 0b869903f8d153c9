/**
 * The recording tables as Kysely sees them (migration `0005_recordings`). Instants are epoch
 * milliseconds in `bigint` columns; sizes and counts are `bigint`/`integer` numbers.
 */
import type { Generated } from "kysely";
import type { RecordingFormat, RecordingState, RecordingTrigger } from "../recordings/recording.ts";
import type { RecordMode } from "../recordings/recording-settings.ts";

/** Table `recordings`: one row per recording. */
export interface RecordingsTable {
  /** varchar(64) primary key. */
  id: string;
  /** varchar(64) not null; not a foreign key: recordings outlive their camera. */
  camera_id: string;
  /** varchar(1000) not null, relative to RECORDINGS_DIR. */
  path: string;
  /** varchar(8) not null. */
  format: RecordingFormat;
  /** varchar(16) not null. */
  trigger: RecordingTrigger;
  started_at: number;
  ended_at: number | null;
  stop_at: number | null;
  max_duration_s: number | null;
  segment_s: number;
  bytes: number;
  frames: number;
  duration_ms: number;
  parts: number;
  /** varchar(16) not null. */
  state: RecordingState;
  /** varchar(1000) null. */
  error: string | null;
}

/** Table `recording_parts`: one row per recorder run; primary key (recording_id, part). */
export interface RecordingPartsTable {
  recording_id: string;
  part: number;
  state: RecordingState;
  /** varchar(200): worker id of the recorder. */
  worker: string;
  started_at: number;
  ended_at: number | null;
  bytes: number;
  frames: number;
  duration_ms: number;
  error: string | null;
}

/** Table `recording_segments`: files on disk; unique (recording_id, part, seq). */
export interface RecordingSegmentsTable {
  id: Generated<number>;
  recording_id: string;
  /** Copied from the recording, so playback by time reads one index (camera_id, start_ms). */
  camera_id: string;
  part: number;
  seq: number;
  path: string;
  start_ms: number;
  duration_ms: number;
  /** 90 kHz ticks. */
  ticks: number;
  bytes: number;
  frames: number;
}

/** Table `camera_recording_settings`: one row per camera that has settings; deleted with it. */
export interface CameraRecordingSettingsTable {
  camera_id: string;
  mode: RecordMode;
  cron: string | null;
  segment_s: number;
  format: RecordingFormat;
  max_age_h: number | null;
  max_bytes: number | null;
  updated_at: number;
}
