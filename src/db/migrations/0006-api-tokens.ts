/**
 * Creates `api_tokens` (roles admin and viewer; a token is stored as its SHA-256 only).
 * One statement, the unique hash included, for the same reason as `0001-cameras.ts`.
 */
import { sql, type Kysely } from "kysely";
import type { Migration } from "kysely/migration";
import type { SqlDialectName } from "../database.ts";

/** Migration `0006_api_tokens` for the given dialect. */
export function apiTokensMigration(dialect: SqlDialectName): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      let table = db.schema
        .createTable("api_tokens")
        // `integer`, not `bigint`: SQLite auto-increments only an `integer primary key`.
        .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
        .addColumn("name", "varchar(64)", (c) => c.notNull())
        .addColumn("role", "varchar(16)", (c) => c.notNull())
        .addColumn("token_hash", "char(64)", (c) => c.notNull().unique())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("revoked_at", "bigint");
      if (dialect === "mysql") table = table.modifyEnd(sql`default charset = utf8mb4 collate = utf8mb4_bin`);
      await table.execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable("api_tokens").execute();
    },
  };
}
