/**
 * Creates `recordings`, `recording_parts`, `recording_segments` and
 * `camera_recording_settings`. MySQL DDL auto-commits, so a failure halfway cannot be
 * rolled back there: every statement is `if not exists`, and running the migration again
 * after fixing the cause completes it. Indexes are unique constraints declared inside
 * `create table` (SQLite has no inline plain index): (camera_id, started_at, id) and
 * (camera_id, start_ms, id) are unique because they hold the primary key, and serve the
 * list and playback-by-time queries.
 */
import { sql, type Kysely } from "kysely";
import type { Migration } from "kysely/migration";
import type { SqlDialectName } from "../database.ts";

/** Migration `0005_recordings` for the given dialect. */
export function recordingsMigration(dialect: SqlDialectName): Migration {
  // Same charset and binary collation as `cameras`: exact ids, and foreign keys that MySQL accepts.
  const bin = <T extends { modifyEnd(s: ReturnType<typeof sql>): T }>(t: T): T =>
    dialect === "mysql" ? t.modifyEnd(sql`default charset = utf8mb4 collate = utf8mb4_bin`) : t;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await bin(
        db.schema
          .createTable("recordings")
          .ifNotExists()
          .addColumn("id", "varchar(64)", (c) => c.primaryKey())
          .addColumn("camera_id", "varchar(64)", (c) => c.notNull())
          .addColumn("path", "varchar(1000)", (c) => c.notNull())
          .addColumn("format", "varchar(8)", (c) => c.notNull())
          .addColumn("trigger", "varchar(16)", (c) => c.notNull())
          .addColumn("started_at", "bigint", (c) => c.notNull())
          .addColumn("ended_at", "bigint")
          .addColumn("stop_at", "bigint")
          .addColumn("max_duration_s", "integer")
          .addColumn("segment_s", "integer", (c) => c.notNull())
          .addColumn("bytes", "bigint", (c) => c.notNull().defaultTo(0))
          .addColumn("frames", "bigint", (c) => c.notNull().defaultTo(0))
          .addColumn("duration_ms", "bigint", (c) => c.notNull().defaultTo(0))
          .addColumn("parts", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("state", "varchar(16)", (c) => c.notNull())
          .addColumn("error", "varchar(1000)")
          .addUniqueConstraint("recordings_camera_started", ["camera_id", "started_at", "id"]),
      ).execute();
      await bin(
        db.schema
          .createTable("recording_parts")
          .ifNotExists()
          .addColumn("recording_id", "varchar(64)", (c) => c.notNull())
          .addColumn("part", "integer", (c) => c.notNull())
          .addColumn("state", "varchar(16)", (c) => c.notNull())
          .addColumn("worker", "varchar(200)", (c) => c.notNull())
          .addColumn("started_at", "bigint", (c) => c.notNull())
          .addColumn("ended_at", "bigint")
          .addColumn("bytes", "bigint", (c) => c.notNull().defaultTo(0))
          .addColumn("frames", "bigint", (c) => c.notNull().defaultTo(0))
          .addColumn("duration_ms", "bigint", (c) => c.notNull().defaultTo(0))
          .addColumn("error", "varchar(1000)")
          .addPrimaryKeyConstraint("recording_parts_pk", ["recording_id", "part"])
          .addForeignKeyConstraint("recording_parts_recording", ["recording_id"], "recordings", ["id"], (c) => c.onDelete("cascade")),
      ).execute();
      await bin(
        db.schema
          .createTable("recording_segments")
          .ifNotExists()
          // `integer`, not `bigint`: SQLite auto-increments only an `integer primary key`.
          .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
          .addColumn("recording_id", "varchar(64)", (c) => c.notNull())
          .addColumn("camera_id", "varchar(64)", (c) => c.notNull())
          .addColumn("part", "integer", (c) => c.notNull())
          .addColumn("seq", "integer", (c) => c.notNull())
          .addColumn("path", "varchar(1000)", (c) => c.notNull())
          .addColumn("start_ms", "bigint", (c) => c.notNull())
          .addColumn("duration_ms", "bigint", (c) => c.notNull())
          .addColumn("ticks", "bigint", (c) => c.notNull())
          .addColumn("bytes", "bigint", (c) => c.notNull())
          .addColumn("frames", "integer", (c) => c.notNull())
          .addUniqueConstraint("recording_segments_part_seq", ["recording_id", "part", "seq"])
          .addUniqueConstraint("recording_segments_camera_time", ["camera_id", "start_ms", "id"])
          .addForeignKeyConstraint("recording_segments_recording", ["recording_id"], "recordings", ["id"], (c) => c.onDelete("cascade")),
      ).execute();
      await bin(
        db.schema
          .createTable("camera_recording_settings")
          .ifNotExists()
          .addColumn("camera_id", "varchar(64)", (c) => c.primaryKey())
          .addColumn("mode", "varchar(16)", (c) => c.notNull())
          .addColumn("cron", "varchar(200)")
          .addColumn("segment_s", "integer", (c) => c.notNull())
          .addColumn("format", "varchar(8)", (c) => c.notNull())
          .addColumn("max_age_h", "integer")
          .addColumn("max_bytes", "bigint")
          .addColumn("updated_at", "bigint", (c) => c.notNull())
          .addForeignKeyConstraint("camera_recording_settings_camera", ["camera_id"], "cameras", ["id"], (c) => c.onDelete("cascade")),
      ).execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      for (const t of ["camera_recording_settings", "recording_segments", "recording_parts", "recordings"]) await db.schema.dropTable(t).ifExists().execute();
    },
  };
}
