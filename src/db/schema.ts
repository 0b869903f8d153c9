/**
 * The database schema as Kysely sees it: one interface per table, column names as in SQL
 * (snake_case). Instants are epoch milliseconds in `bigint` columns on every dialect (no
 * `Date`, no `timestamp`: bun:sqlite rejects `Date`, MariaDB rejects ISO strings with a `Z`,
 * and `timestamp` drops milliseconds). The DDL lives in `migrations/`.
 */
import type { Generated } from "kysely";
import type { CameraNetwork, CameraSourceEngine } from "../cameras/camera.ts";
import type { ApiTokensTable } from "./api-token-schema.ts";
import type { CameraEventSettingsTable, EventsTable } from "./event-schema.ts";
import type { CameraRecordingSettingsTable, RecordingPartsTable, RecordingSegmentsTable, RecordingsTable } from "./recording-schema.ts";

/** Table `cameras`: one row per camera. */
export interface CamerasTable {
  /** varchar(64) primary key, case-sensitive on both dialects. */
  id: string;
  /** varchar(200) not null. */
  name: string;
  /** varchar(2000) not null; never contains credentials. */
  source_url: string;
  /** varchar(200) null. */
  username: string | null;
  /** varchar(200) null, clear text (ffmpeg needs it). */
  password: string | null;
  /** varchar(8) not null default 'local'. */
  network: CameraNetwork;
  /** integer not null default 0 (migration 0003): seconds between periodic snapshots, 0 = off. */
  snapshot_interval_s: number;
  /** integer not null default 10 (migration 0004): most WebRTC viewers at once. */
  max_viewers: number;
  /** varchar(64) null (migration 0008): tag a worker needs to hold the camera; null = any. */
  worker_tag: string | null;
  /** varchar(8) not null default 'auto' (migration 0008): `auto`, `native` or `ffmpeg`. */
  source_engine: CameraSourceEngine;
  /** bigint not null, epoch ms. */
  created_at: number;
  /** bigint not null, epoch ms. */
  updated_at: number;
}

/** Table `audit_log`: who did what, append-only. */
export interface AuditLogTable {
  /** Auto-increment primary key; insertion order. */
  id: Generated<number>;
  /** bigint not null, epoch ms. */
  at: number;
  /** varchar(64) not null: user, token name or `system`. */
  actor: string;
  /** varchar(64) not null, e.g. `camera.create`. */
  action: string;
  /** varchar(64) null; not a foreign key, so entries outlive their camera. */
  camera_id: string | null;
  /** text null; free text, must already be redacted. */
  detail: string | null;
}

/** Every table, for `Kysely<Schema>`. */
export interface Schema {
  cameras: CamerasTable;
  audit_log: AuditLogTable;
  recordings: RecordingsTable;
  recording_parts: RecordingPartsTable;
  recording_segments: RecordingSegmentsTable;
  camera_recording_settings: CameraRecordingSettingsTable;
  api_tokens: ApiTokensTable;
  events: EventsTable;
  camera_event_settings: CameraEventSettingsTable;
}
