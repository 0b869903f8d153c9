/** Recognises a duplicate-key error from either driver, so repositories can answer 409. */

/**
 * True when `err` is a primary-key or unique-constraint violation: mysql2's `ER_DUP_ENTRY`
 * (errno 1062) or bun:sqlite's `SQLITE_CONSTRAINT_PRIMARYKEY` / `SQLITE_CONSTRAINT_UNIQUE`.
 */
export function isUniqueViolation(err: unknown): boolean {
  if (typeof err !== "object" || err === null) return false;
  const { code, errno } = err as { code?: unknown; errno?: unknown };
  return code === "ER_DUP_ENTRY" || errno === 1062 || code === "SQLITE_CONSTRAINT_PRIMARYKEY" || code === "SQLITE_CONSTRAINT_UNIQUE";
}
