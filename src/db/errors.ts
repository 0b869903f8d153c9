/**
 * Errors of the database layer: configuration and schema problems that stop start-up.
 * Row-level outcomes (not found, duplicate id) are domain errors from `src/errors.ts`.
 */

/** Base class of every error thrown by `src/db` itself. */
export class DatabaseError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The database URL cannot be used. The message never contains the password. */
export class DatabaseUrlError extends DatabaseError {}

/** A migration failed; `migrationName` is undefined when none had started (no connection). */
export class MigrationError extends DatabaseError {
  constructor(
    readonly migrationName: string | undefined,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(migrationName === undefined ? `migrations could not run: ${reason}` : `migration "${migrationName}" failed: ${reason}`, { cause });
  }
}

/**
 * Error codes of mysql2 (and Node's socket layer under it) meaning the server could not be
 * reached or the connection to it was lost, as opposed to a bad query.
 */
const UNREACHABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EPIPE",
  "PROTOCOL_CONNECTION_LOST",
  "PROTOCOL_SEQUENCE_TIMEOUT",
  "ER_CON_COUNT_ERROR",
  "POOL_CLOSED",
]);

/**
 * Whether `err` (as a query through Kysely throws it) says the database server is
 * unreachable right now: a refused, reset or timed-out connection, or one lost mid-query.
 * The API answers those 503 instead of 500 (src/api/error-status.ts).
 */
export function isDatabaseUnreachable(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && UNREACHABLE_CODES.has(code)) return true;
    if ((e as { fatal?: unknown }).fatal === true) return true;
  }
  return false;
}
