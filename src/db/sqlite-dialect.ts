/**
 * Kysely's own `SqliteDialect` over `bun:sqlite` (`kysely-bun-sqlite` breaks `.stream()`,
 * measured with 0.4.0). bun:sqlite has the `prepare/all/run/iterate/reader` surface Kysely
 * needs, with variadic signatures; hence the one cast.
 */
import { Database as BunSqlite } from "bun:sqlite";
import { SqliteDialect, type SqliteDatabase } from "kysely";

/**
 * Opens (creating if needed) the SQLite file at `file` (or `:memory:`) with a 5 s busy
 * timeout, WAL journal and foreign keys on, and wraps it in a dialect. Kysely closes the
 * file on `destroy()`.
 * @throws the bun:sqlite error when the file cannot be opened.
 */
export function createSqliteDialect(file: string): SqliteDialect {
  const raw = new BunSqlite(file, { create: true });
  try {
    raw.exec("PRAGMA busy_timeout = 5000");
    raw.exec("PRAGMA journal_mode = WAL");
    raw.exec("PRAGMA foreign_keys = ON");
  } catch (err) {
    raw.close();
    throw err;
  }
  return new SqliteDialect({ database: raw as unknown as SqliteDatabase });
}
