/**
 * Creates `events` and `camera_event_settings`. MySQL DDL auto-commits, so every statement
 * is `if not exists` and running the migration again after a failure completes it (as in
 * `0005-recordings.ts`). The unique constraints (camera_id, at, id) and (at, id) hold the
 * primary key, so they are plain indexes in effect: they serve the list by camera and time
 * and the list by time (SQLite has no inline plain index).
 */
import { sql, type Kysely } from "kysely";
import type { Migration } from "kysely/migration";
import type { SqlDialectName } from "../database.ts";

/** Migration `0007_events` for the given dialect. */
export function eventsMigration(dialect: SqlDialectName): Migration {
  // Same charset and binary collation as `cameras`: exact ids, and a foreign key MySQL accepts.
  const bin = <T extends { modifyEnd(s: ReturnType<typeof sql>): T }>(t: T): T =>
    dialect === "mysql" ? t.modifyEnd(sql`default charset = utf8mb4 collate = utf8mb4_bin`) : t;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await bin(
        db.schema
          .createTable("events")
          .ifNotExists()
          // `integer`, not `bigint`: SQLite auto-increments only an `integer primary key`.
          .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
          .addColumn("camera_id", "varchar(64)", (c) => c.notNull())
          .addColumn("kind", "varchar(32)", (c) => c.notNull())
          .addColumn("label", "varchar(200)")
          .addColumn("score", "double precision")
          .addColumn("at", "bigint", (c) => c.notNull())
          .addColumn("received_at", "bigint", (c) => c.notNull())
          .addColumn("source", "varchar(64)", (c) => c.notNull())
          .addUniqueConstraint("events_camera_at", ["camera_id", "at", "id"])
          .addUniqueConstraint("events_at", ["at", "id"]),
      ).execute();
      await bin(
        db.schema
          .createTable("camera_event_settings")
          .ifNotExists()
          .addColumn("camera_id", "varchar(64)", (c) => c.primaryKey())
          .addColumn("record_s", "integer", (c) => c.notNull())
          .addColumn("updated_at", "bigint", (c) => c.notNull())
          .addForeignKeyConstraint("camera_event_settings_camera", ["camera_id"], "cameras", ["id"], (c) => c.onDelete("cascade")),
      ).execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      for (const t of ["camera_event_settings", "events"]) await db.schema.dropTable(t).ifExists().execute();
    },
  };
}
