/**
 * Recording requests from API bodies and query strings: strict parsing, the first bad or
 * unknown field throws a `ValidationError` naming it. File names of `.h264` recordings are
 * plain names (no directories), so nothing can be written outside a recording's directory.
 */
import { ValidationError } from "../errors.ts";
import { recordingFormats, type RecordingFormat } from "./recording.ts";

/** Accepted `max_duration_s`: 1 s to 7 days. */
export const MAX_DURATION_S_RANGE = { min: 1, max: 7 * 86_400 } as const;
/** Accepted `.h264` file names. */
export const H264_FILENAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,120}\.h264$/;

/** A start request (`POST /v1/recordings`). */
export interface RecordingStartInput {
  readonly cameraId: string;
  readonly format: RecordingFormat;
  readonly maxDurationS: number | null;
}

type Obj = Record<string, unknown>;

function object(body: unknown): Obj {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new ValidationError("body", "must be a JSON object");
  return body as Obj;
}

function known(o: Obj, keys: readonly string[]): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) throw new ValidationError(k.slice(0, 64), "unknown field");
}

/** @throws ValidationError */
export function parseRecordingStart(body: unknown): RecordingStartInput {
  const o = object(body);
  known(o, ["camera_id", "max_duration_s", "format"]);
  if (typeof o.camera_id !== "string" || o.camera_id.length === 0) throw new ValidationError("camera_id", "is required and must be a non-empty string");
  let format: RecordingFormat = "fmp4";
  if (o.format !== undefined) {
    if (!recordingFormats.includes(o.format as RecordingFormat)) throw new ValidationError("format", `must be one of ${recordingFormats.join(", ")}`);
    format = o.format as RecordingFormat;
  }
  let maxDurationS: number | null = null;
  if (o.max_duration_s !== undefined && o.max_duration_s !== null) {
    const v = o.max_duration_s;
    if (typeof v !== "number" || !Number.isInteger(v) || v < MAX_DURATION_S_RANGE.min || v > MAX_DURATION_S_RANGE.max) {
      throw new ValidationError("max_duration_s", `must be an integer ${MAX_DURATION_S_RANGE.min}-${MAX_DURATION_S_RANGE.max}`);
    }
    maxDurationS = v;
  }
  return { cameraId: o.camera_id, format, maxDurationS };
}

/**
 * Reads the seed's `{filename?}` body (an absent body is `{}`); `.h264` is added when missing.
 * @throws ValidationError `filename`
 */
export function parseSeedFilename(body: unknown): string | undefined {
  if (body === undefined || body === null || body === "") return undefined;
  const o = object(body);
  known(o, ["filename"]);
  if (o.filename === undefined || o.filename === null || o.filename === "") return undefined;
  if (typeof o.filename !== "string") throw new ValidationError("filename", "must be a string");
  const name = o.filename.endsWith(".h264") ? o.filename : `${o.filename}.h264`;
  if (!H264_FILENAME.test(name))
    throw new ValidationError("filename", "must be a plain file name of letters, digits, . _ - (no directories), at most 120 characters");
  return name;
}

/** `recording_YYYYMMDD_HHMMSS.h264` in local time, as the seed names its recordings. */
export function defaultH264Filename(at: number): string {
  const d = new Date(at);
  const p = (n: number) => String(n).padStart(2, "0");
  return `recording_${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}_${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}.h264`;
}

/**
 * Reads an ISO 8601 instant with a time zone (`2024-05-01T12:00:00Z`, `...+02:00`) or epoch ms.
 * @returns epoch ms, or undefined when `raw` is absent
 * @throws ValidationError naming `field`
 */
export function parseInstant(raw: string | undefined, field: string): number | undefined {
  if (raw === undefined || raw === "") return undefined;
  if (/^\d{1,15}$/.test(raw)) return Number(raw);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(raw)) {
    throw new ValidationError(field, "must be an ISO 8601 instant with a time zone, e.g. 2024-05-01T12:00:00Z, or epoch ms");
  }
  const ms = Date.parse(raw);
  if (Number.isNaN(ms)) throw new ValidationError(field, "is not a valid instant");
  return ms;
}

/** Longest playback span, seconds (one day). */
export const MAX_PLAYBACK_S = 86_400;

/**
 * Reads `duration_s` of a playback request: a positive number of seconds (fractions allowed).
 * @throws ValidationError `duration_s`
 */
export function parsePlaybackDuration(raw: string | undefined): number {
  if (raw === undefined || !/^\d{1,6}(\.\d{1,3})?$/.test(raw) || Number(raw) <= 0 || Number(raw) > MAX_PLAYBACK_S) {
    throw new ValidationError("duration_s", `is required: seconds, more than 0 and at most ${MAX_PLAYBACK_S}`);
  }
  return Number(raw);
}
