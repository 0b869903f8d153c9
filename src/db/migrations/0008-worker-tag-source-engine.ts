/**
 * Adds `cameras.worker_tag` (varchar(64) null: the tag a worker needs to hold the camera,
 * null = any worker) and `cameras.source_engine` (varchar(8) not null default 'auto').
 * MySQL: one statement with both columns, for the same reason as `0001-cameras.ts`. SQLite
 * adds one column per ALTER TABLE and Kysely runs its migrations outside a transaction, so
 * there each column is added only if missing: a run that failed between the two completes
 * when it runs again. The default is a literal, as in `0003-snapshot-interval.ts`.
 */
import { type Kysely, sql } from "kysely";
import type { Migration } from "kysely/migration";
import type { SqlDialectName } from "../database.ts";

/** Migration `0008_worker_tag_source_engine` for the given dialect. */
export function workerTagSourceEngineMigration(dialect: SqlDialectName): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const table = () => db.schema.alterTable("cameras");
      if (dialect === "mysql") {
        await table()
          .addColumn("worker_tag", "varchar(64)")
          .addColumn("source_engine", "varchar(8)", (c) => c.notNull().defaultTo("auto"))
          .execute();
        return;
      }
      const { rows } = await sql<{ name: string }>`pragma table_info(cameras)`.execute(db);
      const has = (column: string) => rows.some((r) => r.name === column);
      if (!has("worker_tag")) await table().addColumn("worker_tag", "varchar(64)").execute();
      if (!has("source_engine"))
        await table()
          .addColumn("source_engine", "varchar(8)", (c) => c.notNull().defaultTo("auto"))
          .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      if (dialect === "mysql") {
        await db.schema.alterTable("cameras").dropColumn("worker_tag").dropColumn("source_engine").execute();
        return;
      }
      await db.schema.alterTable("cameras").dropColumn("source_engine").execute();
      await db.schema.alterTable("cameras").dropColumn("worker_tag").execute();
    },
  };
}
