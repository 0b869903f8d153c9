/**
 * Creates `cameras`. One statement, because MySQL DDL auto-commits: a migration that fails
 * halfway cannot be rolled back there.
 */
import { sql, type Kysely } from "kysely";
import type { Migration } from "kysely/migration";
import type { SqlDialectName } from "../database.ts";

/** Migration `0001_cameras` for the given dialect. */
export function camerasMigration(dialect: SqlDialectName): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      let table = db.schema
        .createTable("cameras")
        .addColumn("id", "varchar(64)", (c) => c.primaryKey())
        .addColumn("name", "varchar(200)", (c) => c.notNull())
        .addColumn("source_url", "varchar(2000)", (c) => c.notNull())
        .addColumn("username", "varchar(200)")
        .addColumn("password", "varchar(200)")
        .addColumn("network", "varchar(8)", (c) => c.notNull().defaultTo("local"))
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("updated_at", "bigint", (c) => c.notNull());
      // MySQL's default collations ignore case: "Cam1" and "cam1" would be one id there and
      // two in SQLite. A binary collation makes every comparison exact, as in SQLite.
      if (dialect === "mysql") table = table.modifyEnd(sql`default charset = utf8mb4 collate = utf8mb4_bin`);
      await table.execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable("cameras").execute();
    },
  };
}
