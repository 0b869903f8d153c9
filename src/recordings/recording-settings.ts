/**
 * Per-camera recording settings: the recording mode (off, continuous, or on a cron
 * schedule) with its segment length and format, and retention (maximum age, maximum
 * bytes). API bodies use `{record: {mode, cron, segment_s, format}, retention: {max_age_h,
 * max_bytes}}`; a body changes only the fields it gives (on `PUT .../recording-settings`
 * and in camera POST/PATCH bodies alike).
 *
 * A `schedule` records during every minute its cron expression matches: each match makes
 * sure a recording runs and extends it to the end of that minute (plus a margin).
 */
import { ValidationError } from "../errors.ts";
import { parseCron } from "./cron.ts";
import { recordingFormats, type RecordingFormat } from "./recording.ts";

/** Recording mode of a camera. */
export type RecordMode = "off" | "continuous" | "schedule";

const MODES: readonly RecordMode[] = ["off", "continuous", "schedule"];

/** Accepted `segment_s`, seconds. */
export const SEGMENT_S_RANGE = { min: 1, max: 60, default: 4 } as const;
/** Accepted `retention.max_age_h`, hours (10 years). */
export const MAX_AGE_H_RANGE = { min: 1, max: 87_600 } as const;
/** Accepted `retention.max_bytes`: 1 MiB to 1 PiB. */
export const MAX_BYTES_RANGE = { min: 1024 * 1024, max: 2 ** 50 } as const;

/** A camera's stored recording settings. */
export interface RecordingSettings {
  readonly cameraId: string;
  readonly mode: RecordMode;
  /** Five-field cron expression; required for `schedule`. */
  readonly cron: string | null;
  /** fMP4 segment length, seconds. */
  readonly segmentS: number;
  /** Format of continuous and scheduled recordings. */
  readonly format: RecordingFormat;
  /** Finished segments older than this are deleted, hours; null keeps them. */
  readonly maxAgeH: number | null;
  /** The camera's recordings are kept under this many bytes, oldest segments deleted first; null: no cap. */
  readonly maxBytes: number | null;
  /** Epoch ms of the last change. */
  readonly updatedAt: number;
}

/** A change to the settings: absent fields stay as they are. */
export type RecordingSettingsPatch = Partial<Omit<RecordingSettings, "cameraId" | "updatedAt">>;

/** Settings of a camera that has none stored. */
export function defaultRecordingSettings(cameraId: string): RecordingSettings {
  return { cameraId, mode: "off", cron: null, segmentS: SEGMENT_S_RANGE.default, format: "fmp4", maxAgeH: null, maxBytes: null, updatedAt: 0 };
}

/** The settings as API responses show them. */
export function publicRecordingSettings(s: RecordingSettings) {
  return {
    record: { mode: s.mode, cron: s.cron, segment_s: s.segmentS, format: s.format },
    retention: { max_age_h: s.maxAgeH, max_bytes: s.maxBytes },
  };
}

type Obj = Record<string, unknown>;

function object(raw: unknown, field: string): Obj {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new ValidationError(field, "must be a JSON object");
  return raw as Obj;
}

function known(o: Obj, prefix: string, keys: readonly string[]): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) throw new ValidationError(`${prefix}.${k.slice(0, 64)}`, "unknown field");
}

function int(raw: unknown, field: string, min: number, max: number): number {
  if (typeof raw !== "number" || !Number.isInteger(raw) || raw < min || raw > max) throw new ValidationError(field, `must be an integer ${min}-${max}`);
  return raw;
}

/**
 * Reads `{record?, retention?}` (either may be absent) into a patch.
 * @throws ValidationError naming the first bad or unknown field, e.g. `record.cron`
 */
export function parseRecordingSettingsPatch(record: unknown, retention: unknown): RecordingSettingsPatch {
  const patch: { -readonly [K in keyof RecordingSettingsPatch]: RecordingSettingsPatch[K] } = {};
  if (record !== undefined) {
    const r = object(record, "record");
    known(r, "record", ["mode", "cron", "segment_s", "format"]);
    if (r.mode !== undefined) {
      if (!MODES.includes(r.mode as RecordMode)) throw new ValidationError("record.mode", `must be one of ${MODES.join(", ")}`);
      patch.mode = r.mode as RecordMode;
    }
    if (r.cron !== undefined) patch.cron = r.cron === null ? null : parseCron(r.cron, "record.cron");
    if (r.segment_s !== undefined) patch.segmentS = int(r.segment_s, "record.segment_s", SEGMENT_S_RANGE.min, SEGMENT_S_RANGE.max);
    if (r.format !== undefined) {
      if (!recordingFormats.includes(r.format as RecordingFormat)) throw new ValidationError("record.format", `must be one of ${recordingFormats.join(", ")}`);
      patch.format = r.format as RecordingFormat;
    }
  }
  if (retention !== undefined) {
    const r = object(retention, "retention");
    known(r, "retention", ["max_age_h", "max_bytes"]);
    if (r.max_age_h !== undefined)
      patch.maxAgeH = r.max_age_h === null ? null : int(r.max_age_h, "retention.max_age_h", MAX_AGE_H_RANGE.min, MAX_AGE_H_RANGE.max);
    if (r.max_bytes !== undefined)
      patch.maxBytes = r.max_bytes === null ? null : int(r.max_bytes, "retention.max_bytes", MAX_BYTES_RANGE.min, MAX_BYTES_RANGE.max);
  }
  return patch;
}

/**
 * Applies a patch and checks the result as a whole.
 * @throws ValidationError `record.cron` when the mode is `schedule` without a cron expression
 */
export function applyRecordingSettingsPatch(cur: RecordingSettings, patch: RecordingSettingsPatch, now: number): RecordingSettings {
  const next = { ...cur, ...patch, updatedAt: now };
  if (next.mode === "schedule" && !next.cron) throw new ValidationError("record.cron", "is required when record.mode is schedule");
  return next;
}
