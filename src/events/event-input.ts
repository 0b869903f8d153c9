/**
 * Event fields from API bodies and query strings to domain shapes. Strict like
 * `src/cameras/camera-input.ts`: the first bad or unknown field throws a `ValidationError`
 * naming it, so nothing half-valid is stored.
 */
import { CAMERA_ID_PATTERN } from "../cameras/camera-id.ts";
import { ValidationError } from "../errors.ts";
import type { NewEvent } from "./event.ts";

/** `kind`: what was seen. */
export const EVENT_KIND_PATTERN = /^[A-Za-z0-9_.-]{1,32}$/;
/** Longest `label`, characters. */
export const MAX_LABEL_LENGTH = 200;
/** How far in the future an event's `at` may lie (detector clocks drift), ms. */
export const MAX_FUTURE_MS = 60_000;
/** Most events one `GET /v1/events` answers. */
export const MAX_LIST_LIMIT = 1000;
/** Events one `GET /v1/events` answers without `limit`. */
export const DEFAULT_LIST_LIMIT = 100;

const BODY_FIELDS = new Set(["camera_id", "kind", "label", "score", "at"]);
const PRINTABLE = /^[^\u0000-\u001f\u007f]*$/;
/** ISO 8601 date-time with a zone (`Z` or `+hh:mm`), as `Date.parse` reads it without guessing. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function invalid(field: string, reason: string): never {
  throw new ValidationError(field, reason);
}

/**
 * An instant given as ISO 8601 with a zone, or as epoch milliseconds (number, or digits in a
 * query string). @returns epoch ms @throws ValidationError naming `field`
 */
export function parseInstant(raw: unknown, field: string): number {
  if (typeof raw === "number") {
    if (!Number.isSafeInteger(raw) || raw < 0) invalid(field, "must be epoch milliseconds (a non-negative integer) or an ISO 8601 instant");
    return raw;
  }
  if (typeof raw !== "string") invalid(field, "must be an ISO 8601 instant or epoch milliseconds");
  if (/^\d{1,15}$/.test(raw)) return Number(raw);
  const ms = ISO_INSTANT.test(raw) ? Date.parse(raw) : Number.NaN;
  if (!Number.isFinite(ms) || ms < 0) invalid(field, "must be an ISO 8601 instant with a zone, e.g. 2024-05-01T12:00:00Z");
  return ms;
}

/**
 * Parses `POST /v1/events` `{camera_id, kind, label?, score?, at?}`; `at` defaults to `now`.
 * @param source name of the token that posts it
 * @throws ValidationError for the first bad, missing or unknown field (the camera's existence is not checked here)
 */
export function parseNewEvent(body: unknown, source: string, now: number): NewEvent {
  if (typeof body !== "object" || body === null || Array.isArray(body)) invalid("body", "must be a JSON object");
  const b = body as Record<string, unknown>;
  for (const key of Object.keys(b)) if (!BODY_FIELDS.has(key)) invalid(key.slice(0, 64), "unknown field");
  if (typeof b.camera_id !== "string" || !CAMERA_ID_PATTERN.test(b.camera_id)) invalid("camera_id", "is required: 1-64 characters of A-Z, a-z, 0-9, _ or -");
  if (typeof b.kind !== "string" || !EVENT_KIND_PATTERN.test(b.kind)) invalid("kind", "is required: 1-32 characters of A-Z, a-z, 0-9, _, . or -");
  let label: string | null = null;
  if (b.label !== undefined && b.label !== null) {
    if (typeof b.label !== "string" || !PRINTABLE.test(b.label) || [...b.label].length > MAX_LABEL_LENGTH)
      invalid("label", `must be at most ${MAX_LABEL_LENGTH} printable characters`);
    label = b.label.trim() || null;
  }
  let score: number | null = null;
  if (b.score !== undefined && b.score !== null) {
    if (typeof b.score !== "number" || !Number.isFinite(b.score) || b.score < 0 || b.score > 1) invalid("score", "must be a number from 0 to 1");
    score = b.score;
  }
  const at = b.at === undefined || b.at === null ? now : parseInstant(b.at, "at");
  if (at > now + MAX_FUTURE_MS) invalid("at", `must not lie more than ${MAX_FUTURE_MS / 1000} s in the future`);
  return { cameraId: b.camera_id, kind: b.kind, label, score, at, source };
}

/** What `GET /v1/events` filters by. */
export interface EventQuery {
  readonly cameraId?: string;
  /** Events at or after this instant, epoch ms. */
  readonly since?: number;
  /** Events before this instant, epoch ms. */
  readonly until?: number;
  /** Events stored after this id (a console's resume point). */
  readonly afterId?: number;
  /** Most events answered, 1-`MAX_LIST_LIMIT`. */
  readonly limit: number;
}

/**
 * Parses the query of `GET /v1/events`: `camera_id`, `since`, `until` (ISO 8601 or epoch
 * ms), `after_id`, `limit`. @throws ValidationError naming the bad parameter
 */
export function parseEventQuery(q: Record<string, string | undefined>): EventQuery {
  const given = (k: string) => q[k] !== undefined && q[k] !== "";
  const out: { -readonly [K in keyof EventQuery]: EventQuery[K] } = { limit: DEFAULT_LIST_LIMIT };
  if (given("camera_id")) {
    if (!CAMERA_ID_PATTERN.test(q.camera_id!)) invalid("camera_id", "must be 1-64 characters of A-Z, a-z, 0-9, _ or -");
    out.cameraId = q.camera_id;
  }
  if (given("since")) out.since = parseInstant(q.since, "since");
  if (given("until")) out.until = parseInstant(q.until, "until");
  if (given("after_id")) {
    if (!/^\d{1,15}$/.test(q.after_id!)) invalid("after_id", "must be an event id (a non-negative integer)");
    out.afterId = Number(q.after_id);
  }
  if (given("limit")) {
    const n = /^\d{1,5}$/.test(q.limit!) ? Number(q.limit) : 0;
    if (n < 1 || n > MAX_LIST_LIMIT) invalid("limit", `must be an integer 1-${MAX_LIST_LIMIT}`);
    out.limit = n;
  }
  if (out.since !== undefined && out.until !== undefined && out.until < out.since) invalid("until", "must not be before since");
  return out;
}
