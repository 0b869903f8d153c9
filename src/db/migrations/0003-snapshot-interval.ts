/**
 * Adds `cameras.snapshot_interval_s`. One statement, for the same reason as `0001-cameras.ts`.
 * The default fills existing rows: 0, periodic snapshots off. It is a literal on purpose,
 * so that a later change of the setting's default cannot change this shipped migration.
 */
import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";

/** Migration `0003_snapshot_interval`, the same on every dialect. */
export function snapshotIntervalMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .alterTable("cameras")
        .addColumn("snapshot_interval_s", "integer", (c) => c.notNull().defaultTo(0))
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable("cameras").dropColumn("snapshot_interval_s").execute();
    },
  };
}
