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
    super(
      migrationName === undefined
        ? `migrations could not run: ${reason}`
        : `migration "${migrationName}" failed: ${reason}`,
      { cause },
    );
  }
}
