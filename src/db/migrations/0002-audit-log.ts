/** Creates `audit_log`. One statement, for the same reason as `0001-cameras.ts`. */
import { sql, type Kysely } from "kysely";
import type { Migration } from "kysely/migration";
import type { SqlDialectName } from "../database.ts";

/** Migration `0002_audit_log` for the given dialect. */
export function auditLogMigration(dialect: SqlDialectName): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      let table = db.schema
        .createTable("audit_log")
        // `integer`, not `bigint`: SQLite auto-increments only an `integer primary key`.
        .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
        .addColumn("at", "bigint", (c) => c.notNull())
        .addColumn("actor", "varchar(64)", (c) => c.notNull())
        .addColumn("action", "varchar(64)", (c) => c.notNull())
        .addColumn("camera_id", "varchar(64)")
        .addColumn("detail", "text");
      if (dialect === "mysql") table = table.modifyEnd(sql`default charset = utf8mb4 collate = utf8mb4_bin`);
      await table.execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable("audit_log").execute();
    },
  };
}
