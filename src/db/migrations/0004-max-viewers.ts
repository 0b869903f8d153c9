/**
 * Adds `cameras.max_viewers`. One statement, for the same reason as `0001-cameras.ts`.
 * The default fills existing rows: 10 viewers; a literal, as in `0003-snapshot-interval.ts`.
 */
import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";

/** Migration `0004_max_viewers`, the same on every dialect. */
export function maxViewersMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .alterTable("cameras")
        .addColumn("max_viewers", "integer", (c) => c.notNull().defaultTo(10))
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable("cameras").dropColumn("max_viewers").execute();
    },
  };
}
