/**
 * The handle every repository and entry point shares: a typed Kysely instance, the dialect
 * it speaks, and how to close it. Built only by `openDatabase` in entry points.
 */
import type { Kysely } from "kysely";
import type { Schema } from "./schema.ts";

/** SQL dialects camserver runs on: SQLite for one host, MySQL/MariaDB for many. */
export type SqlDialectName = "sqlite" | "mysql";

/** An open, migrated database. */
export interface Database {
  /** Query builder over {@link Schema}. Instants are epoch-ms numbers on both dialects. */
  readonly db: Kysely<Schema>;
  /** Which dialect `db` speaks, for the few places where SQL differs (upserts). */
  readonly dialect: SqlDialectName;
  /** Closes the SQLite file or ends the MySQL pool; later calls resolve at once. */
  close(): Promise<void>;
}
