/**
 * Camera fields from API bodies to domain shapes and back. Parsing is strict: the first bad
 * or unknown field throws a `ValidationError` naming it, and credentials pasted into
 * `source_url` are moved into `username`/`password` so the stored URL never holds them.
 * `publicCamera` is the only JSON shape of a camera that leaves the server.
 */
import { ValidationError } from "../errors.ts";
import { CAMERA_ID_PATTERN, generateCameraId } from "./camera-id.ts";
import {
  cameraNetworks,
  type CameraNetwork,
  type CameraPatch,
  type CameraRecord,
  cameraSourceEngines,
  type CameraSourceEngine,
  type NewCamera,
} from "./camera.ts";
import { checkIntSetting, MAX_VIEWERS_SETTING, SNAPSHOT_INTERVAL_SETTING } from "./camera-settings.ts";
import { redactUrl, splitCredentials, validateSourceUrl } from "./source-url.ts";
import { readWorkerTag } from "./worker-tag.ts";

/** Longest camera name in characters (column `cameras.name`). */
export const MAX_NAME_LENGTH = 200;
/** Longest user name or password in characters (columns `cameras.username`, `.password`). */
export const MAX_CREDENTIAL_LENGTH = 200;

const PATCH_FIELDS = new Set(["name", "source_url", "username", "password", "network", "snapshot_interval_s", "max_viewers", "source_engine", "worker_tag"]);
const CREATE_FIELDS = new Set(["id", ...PATCH_FIELDS]);
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/** A camera as API responses show it: never the password, only whether there is one. */
export interface PublicCamera {
  id: string;
  name: string;
  source_url: string;
  username: string | null;
  has_password: boolean;
  network: CameraNetwork;
  /** Seconds between periodic snapshots; 0 = off. */
  snapshot_interval_s: number;
  /** Most WebRTC viewers at once. */
  max_viewers: number;
  /** `auto` (own RTSP client, ffmpeg fallback), `native` or `ffmpeg`. */
  source_engine: CameraSourceEngine;
  /** Tag a worker must have to hold the camera (e.g. `host:cam-board-1`); null = any worker. */
  worker_tag: string | null;
  /** ISO 8601 instant in UTC with milliseconds, e.g. `2024-05-01T12:00:00.123Z`. */
  created_at: string;
  updated_at: string;
}

type Body = Record<string, unknown>;

function invalid(field: string, reason: string): never {
  throw new ValidationError(field, reason);
}

function asBody(body: unknown): Body {
  if (typeof body !== "object" || body === null || Array.isArray(body)) invalid("body", "must be a JSON object");
  return body as Body;
}

function rejectUnknown(body: Body, known: ReadonlySet<string>): void {
  for (const key of Object.keys(body)) if (!known.has(key)) invalid(key.slice(0, 64), "unknown field");
}

const present = (body: Body, key: string): boolean => Object.hasOwn(body, key) && body[key] !== undefined;

function readName(value: unknown): string {
  if (typeof value !== "string") invalid("name", "must be a string");
  const name = value.trim();
  if (name.length === 0) invalid("name", "must not be empty");
  if ([...name].length > MAX_NAME_LENGTH) invalid("name", `must be at most ${MAX_NAME_LENGTH} characters`);
  if (CONTROL_CHARS.test(name)) invalid("name", "must not contain control characters");
  return name;
}

function credentialProblem(value: string): string | undefined {
  if ([...value].length > MAX_CREDENTIAL_LENGTH) return `must be at most ${MAX_CREDENTIAL_LENGTH} characters`;
  if (CONTROL_CHARS.test(value)) return "must not contain control characters";
  return undefined;
}

/** `username` "" means no user name (null); a password "" is a real, empty password. */
function readCredential(field: "username" | "password", value: unknown): string | null {
  if (value === null) return null;
  if (typeof value !== "string") invalid(field, "must be a string or null");
  const problem = credentialProblem(value);
  if (problem) invalid(field, problem);
  return field === "username" && value === "" ? null : value;
}

interface SourceInput {
  url: string;
  username?: string | null;
  password?: string;
}

function readSourceUrl(value: unknown): SourceInput {
  if (typeof value !== "string") invalid("source_url", "must be a string");
  const split = splitCredentials(value.trim());
  const out: SourceInput = { url: validateSourceUrl(split.url) };
  if (split.username !== undefined) {
    const problem = credentialProblem(split.username);
    if (problem) invalid("source_url", `user name in the URL ${problem}`);
    out.username = split.username === "" ? null : split.username;
  }
  if (split.password !== undefined) {
    const problem = credentialProblem(split.password);
    if (problem) invalid("source_url", `password in the URL ${problem}`);
    out.password = split.password;
  }
  return out;
}

function readNetwork(value: unknown): CameraNetwork {
  if (!cameraNetworks.includes(value as CameraNetwork)) {
    invalid("network", `must be one of ${cameraNetworks.join(", ")}`);
  }
  return value as CameraNetwork;
}

function readSourceEngine(value: unknown): CameraSourceEngine {
  if (!cameraSourceEngines.includes(value as CameraSourceEngine)) {
    invalid("source_engine", `must be one of ${cameraSourceEngines.join(", ")}`);
  }
  return value as CameraSourceEngine;
}

/**
 * Parses a create body `{ id?, name, source_url, username?, password?, network?,
 * snapshot_interval_s?, max_viewers?, source_engine?, worker_tag? }`. The id is generated when
 * absent, network defaults to `local`, `snapshot_interval_s` to 0 (off), `max_viewers` to 10,
 * `source_engine` to `auto` and `worker_tag` to null (any worker); credentials found in
 * `source_url` fill `username`/`password` unless those fields are given (even as null).
 * @throws ValidationError for the first bad, missing or unknown field.
 */
export function parseCameraCreate(body: unknown): NewCamera {
  const b = asBody(body);
  let id: string;
  if (present(b, "id")) {
    if (typeof b.id !== "string" || !CAMERA_ID_PATTERN.test(b.id)) {
      invalid("id", "must be 1-64 characters of A-Z, a-z, 0-9, _ or -");
    }
    id = b.id;
  } else {
    id = generateCameraId();
  }
  if (!present(b, "name")) invalid("name", "is required");
  const name = readName(b.name);
  if (!present(b, "source_url")) invalid("source_url", "is required");
  const source = readSourceUrl(b.source_url);
  const username = present(b, "username") ? readCredential("username", b.username) : (source.username ?? null);
  const password = present(b, "password") ? readCredential("password", b.password) : (source.password ?? null);
  const network = present(b, "network") ? readNetwork(b.network) : "local";
  const snapshotIntervalS = present(b, "snapshot_interval_s")
    ? checkIntSetting(SNAPSHOT_INTERVAL_SETTING, b.snapshot_interval_s)
    : SNAPSHOT_INTERVAL_SETTING.default;
  const maxViewers = present(b, "max_viewers") ? checkIntSetting(MAX_VIEWERS_SETTING, b.max_viewers) : MAX_VIEWERS_SETTING.default;
  const sourceEngine = present(b, "source_engine") ? readSourceEngine(b.source_engine) : undefined;
  const workerTag = present(b, "worker_tag") ? readWorkerTag(b.worker_tag) : undefined;
  rejectUnknown(b, CREATE_FIELDS);
  return {
    id,
    name,
    sourceUrl: source.url,
    username,
    password,
    network,
    snapshotIntervalS,
    maxViewers,
    ...(sourceEngine !== undefined && { sourceEngine }),
    ...(workerTag !== undefined && { workerTag }),
  };
}

/**
 * Parses a patch body with any of `name`, `source_url`, `username`, `password`, `network`,
 * `snapshot_interval_s`, `max_viewers` (integers in range; null is refused, not a reset),
 * `source_engine`, `worker_tag` (null: any worker).
 * Absent fields stay unchanged; `null` clears a credential or the worker tag; credentials in a new
 * `source_url` replace the stored ones unless given explicitly. `{}` is a valid no-op.
 * @throws ValidationError for the first bad or unknown field (`id` cannot be changed).
 */
export function parseCameraPatch(body: unknown): CameraPatch {
  const b = asBody(body);
  if (present(b, "id")) invalid("id", "cannot be changed");
  const patch: { -readonly [K in keyof CameraPatch]: CameraPatch[K] } = {};
  if (present(b, "name")) patch.name = readName(b.name);
  if (present(b, "source_url")) {
    const source = readSourceUrl(b.source_url);
    patch.sourceUrl = source.url;
    if (source.username !== undefined) patch.username = source.username;
    if (source.password !== undefined) patch.password = source.password;
  }
  if (present(b, "username")) patch.username = readCredential("username", b.username);
  if (present(b, "password")) patch.password = readCredential("password", b.password);
  if (present(b, "network")) patch.network = readNetwork(b.network);
  if (present(b, "snapshot_interval_s")) {
    patch.snapshotIntervalS = checkIntSetting(SNAPSHOT_INTERVAL_SETTING, b.snapshot_interval_s);
  }
  if (present(b, "max_viewers")) patch.maxViewers = checkIntSetting(MAX_VIEWERS_SETTING, b.max_viewers);
  if (present(b, "source_engine")) patch.sourceEngine = readSourceEngine(b.source_engine);
  if (present(b, "worker_tag")) patch.workerTag = readWorkerTag(b.worker_tag);
  rejectUnknown(b, PATCH_FIELDS);
  return patch;
}

/** The API's JSON shape of a camera; instants as ISO strings, the password never included. */
export function publicCamera(rec: CameraRecord): PublicCamera {
  return {
    id: rec.id,
    name: rec.name,
    source_url: redactUrl(rec.sourceUrl),
    username: rec.username,
    has_password: rec.password !== null,
    network: rec.network,
    snapshot_interval_s: rec.snapshotIntervalS,
    max_viewers: rec.maxViewers,
    source_engine: rec.sourceEngine,
    worker_tag: rec.workerTag,
    created_at: new Date(rec.createdAt).toISOString(),
    updated_at: new Date(rec.updatedAt).toISOString(),
  };
}
