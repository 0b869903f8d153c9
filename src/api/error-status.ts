/**
 * The one place that maps errors to HTTP answers. Domain errors carry their status;
 * Elysia's own parse and not-found errors become 400 and 404; a database that cannot be
 * reached (refused, reset, timed out) is a 503 naming it; everything else is a 500
 * whose message is not shown (it may hold internals).
 */
import { DomainError, ValidationError } from "../errors.ts";
import { isDatabaseUnreachable } from "../db/errors.ts";
import type { Logger } from "../log.ts";

/** Body of the 503 answered while the database cannot be reached. */
export const DATABASE_UNAVAILABLE = "database unavailable: try again shortly";

/** JSON error body of every failed request. */
export interface ErrorBody {
  readonly error: string;
  /** The offending field of a 422. */
  readonly field?: string;
}

/** The domain error a body parser threw (Elysia wraps it in its ParseError), else the error itself. */
function unwrap(error: unknown): unknown {
  return error instanceof Error && !(error instanceof DomainError) && error.cause instanceof DomainError ? error.cause : error;
}

/**
 * Status and body for an error raised while handling a request.
 * @param code Elysia's error code ("PARSE", "NOT_FOUND", "VALIDATION", ...)
 */
export function errorResponse(code: string | number, raised: unknown): { status: number; body: ErrorBody } {
  const error = unwrap(raised);
  if (error instanceof ValidationError) return { status: 422, body: { error: error.message, field: error.field } };
  if (error instanceof DomainError) return { status: error.status, body: { error: error.message } };
  if (code === "PARSE") return { status: 400, body: { error: "malformed JSON body" } };
  if (code === "NOT_FOUND") return { status: 404, body: { error: "not found" } };
  if (code === "VALIDATION") return { status: 422, body: { error: "request does not match the schema" } };
  if (isDatabaseUnreachable(error)) return { status: 503, body: { error: DATABASE_UNAVAILABLE } };
  return { status: 500, body: { error: "internal error" } };
}

/**
 * Logs a failed request worth an operator's look: a domain error answered 5xx (a camera
 * that refused, timed out, a viewer limit) at warn with its class name; anything else that
 * became a 500 at error, with Elysia's code and the stack. 4xx answers are not logged.
 */
export function logFailure(log: Logger, code: string | number, raised: unknown, status: number): void {
  if (status < 500) return;
  const error = unwrap(raised);
  if (error instanceof DomainError) log.warn({ err: error.name, status, reason: error.message }, "request failed");
  else if (status === 503 && isDatabaseUnreachable(error))
    log.warn({ err: error instanceof Error ? error.message : String(error), status }, "request failed: database unreachable");
  else
    log.error(
      { err: error instanceof Error ? `${error.name}: ${error.message}` : String(error), code, stack: error instanceof Error ? error.stack : undefined },
      "request failed",
    );
}
