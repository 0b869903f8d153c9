/**
 * Opens camserver's database and migrates it: MySQL/MariaDB for a `mysql://` URL, else
 * SQLite (the given file, or `<dataDir>/camserver.db`). Only entry points call this.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { Kysely, type Dialect } from "kysely";
import { redactUrl } from "../cameras/source-url.ts";
import type { Database, SqlDialectName } from "./database.ts";
import { DatabaseUrlError } from "./errors.ts";
import { migrateToLatest } from "./migrate.ts";
import { schemaMigrations } from "./migrations/index.ts";
import { createMysqlDialect } from "./mysql-dialect.ts";
import type { Schema } from "./schema.ts";
import { createSqliteDialect } from "./sqlite-dialect.ts";

/** Where the database is. */
export interface OpenDatabaseOptions {
  /**
   * `mysql://user:pass@host:port/database`, a SQLite file path, or `:memory:`.
   * @defaultValue `<dataDir>/camserver.db`
   */
  url?: string;
  /** Directory of the default SQLite file; created when that file is used. */
  dataDir: string;
}

function chooseDialect(opts: OpenDatabaseOptions): { name: SqlDialectName; dialect: Dialect } {
  const url = opts.url?.trim();
  if (url && /^mysql:\/\//i.test(url)) return { name: "mysql", dialect: createMysqlDialect(url) };
  if (url && /^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    throw new DatabaseUrlError(`database url ${redactUrl(url)}: use mysql:// or a SQLite file path`);
  }
  if (url) return { name: "sqlite", dialect: createSqliteDialect(url) };
  mkdirSync(opts.dataDir, { recursive: true });
  return { name: "sqlite", dialect: createSqliteDialect(join(opts.dataDir, "camserver.db")) };
}

/**
 * Opens the database and runs pending migrations before returning it.
 * @throws DatabaseUrlError for an unusable URL, MigrationError naming the migration that
 *   failed (or with no name when the database could not be reached); nothing stays open.
 */
export async function openDatabase(opts: OpenDatabaseOptions): Promise<Database> {
  const { name, dialect } = chooseDialect(opts);
  const db = new Kysely<Schema>({ dialect });
  try {
    await migrateToLatest(db, schemaMigrations(name));
  } catch (err) {
    await db.destroy().catch(() => {});
    throw err;
  }
  let closing: Promise<void> | undefined;
  return {
    db,
    dialect: name,
    close: () => (closing ??= db.destroy()),
  };
}
