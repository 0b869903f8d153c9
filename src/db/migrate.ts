/**
 * Brings a database up to the latest migration with Kysely's Migrator and an in-code
 * provider. The Migrator takes a lock table, so hosts starting together migrate once.
 * On MySQL a failed migration is not rolled back (DDL auto-commits).
 */
import type { Kysely } from "kysely";
import { Migrator, type Migration } from "kysely/migration";
import { MigrationError } from "./errors.ts";

/**
 * Runs every pending migration in name order and returns the names it ran (empty when the
 * schema was current). Migrations already applied must all still be in `migrations`.
 * @throws MigrationError naming the migration that failed.
 */
export async function migrateToLatest(db: Kysely<any>, migrations: Record<string, Migration>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    throw new MigrationError(results?.find((r) => r.status === "Error")?.migrationName, error);
  }
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
