/**
 * Widens `cameras.password` to varchar(1200) for sealed values (src/db/password-seal.ts):
 * `v1:` + 16 + 24 base64 characters of IV and tag + the base64 of a password of up to 200
 * characters of up to 4 UTF-8 bytes (800 bytes -> 1068 characters) = 1115. MySQL only:
 * SQLite does not enforce varchar lengths.
 */
import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";
import type { SqlDialectName } from "../database.ts";

/** Migration `0009_sealed_password` for the given dialect. */
export function sealedPasswordMigration(dialect: SqlDialectName): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (dialect === "mysql") await db.schema.alterTable("cameras").modifyColumn("password", "varchar(1200)").execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      if (dialect === "mysql") await db.schema.alterTable("cameras").modifyColumn("password", "varchar(200)").execute();
    },
  };
}
