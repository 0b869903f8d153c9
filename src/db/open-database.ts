/**
 * Opens camserver's database and migrates it: MySQL/MariaDB for a `mysql://` URL, else
 * SQLite (the given file, or `<dataDir>/camserver.db`). Only entry points call this.
 * A SQLite database and its WAL/SHM files are private (0600; SQLite gives the WAL and SHM
 * the database file's mode) and the default data directory is created 0700: they hold
 * camera settings and tokens.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";
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

/** Creates the SQLite file 0600 when absent and sets it and its WAL/SHM files to 0600. */
function makePrivate(file: string | undefined): void {
  if (file === undefined || file === ":memory:") return;
  if (!existsSync(file)) closeSync(openSync(file, "a", 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
}

function chooseDialect(opts: OpenDatabaseOptions): { name: SqlDialectName; dialect: Dialect; file?: string } {
  const url = opts.url?.trim();
  if (url && /^mysql:\/\//i.test(url)) return { name: "mysql", dialect: createMysqlDialect(url) };
  if (url && /^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    throw new DatabaseUrlError(`database url ${redactUrl(url)}: use mysql:// or a SQLite file path`);
  }
  if (url) {
    makePrivate(url);
    return { name: "sqlite", dialect: createSqliteDialect(url), file: url };
  }
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  const file = join(opts.dataDir, "camserver.db");
  makePrivate(file);
  return { name: "sqlite", dialect: createSqliteDialect(file), file };
}

/**
 * Opens the database and runs pending migrations before returning it.
 * @throws DatabaseUrlError for an unusable URL, MigrationError naming the migration that
 *   failed (or with no name when the database could not be reached); nothing stays open.
 */
export async function openDatabase(opts: OpenDatabaseOptions): Promise<Database> {
  const { name, dialect, file } = chooseDialect(opts);
  const db = new Kysely<Schema>({ dialect });
  try {
    await migrateToLatest(db, schemaMigrations(name));
    makePrivate(file); // WAL and SHM exist now
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
