/**
 * Tables `events` and `camera_event_settings` as Kysely sees them (DDL in
 * `migrations/0007-events.ts`). Instants are epoch ms in `bigint` columns.
 */
import type { Generated } from "kysely";

/** Table `events`: one row per detection event, append-only. */
export interface EventsTable {
  /** Auto-increment primary key: store order, the resume point of consoles. */
  id: Generated<number>;
  /** varchar(64) not null; not a foreign key, so history outlives its camera. */
  camera_id: string;
  /** varchar(32) not null, e.g. `person`. */
  kind: string;
  /** varchar(200) null (characters, utf8mb4 on MySQL). */
  label: string | null;
  /** double precision null, 0-1. */
  score: number | null;
  /** bigint not null, epoch ms: when it happened. */
  at: number;
  /** bigint not null, epoch ms: when it was stored. */
  received_at: number;
  /** varchar(64) not null: name of the token that posted it. */
  source: string;
}

/** Table `camera_event_settings`: one row per camera with settings (deleted with it). */
export interface CameraEventSettingsTable {
  /** varchar(64) primary key, foreign key to `cameras.id` on delete cascade. */
  camera_id: string;
  /** integer not null: seconds recorded after each new event, 0 = off. */
  record_s: number;
  /** bigint not null, epoch ms. */
  updated_at: number;
}
