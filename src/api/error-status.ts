/**
 * The one place that maps errors to HTTP answers. Domain errors carry their status;
 * Elysia's own parse and not-found errors become 400 and 404; everything else is a 500
 * whose message is not shown (it may hold internals).
 */
import { DomainError, ValidationError } from "../errors.ts";

/** JSON error body of every failed request. */
export interface ErrorBody {
  readonly error: string;
  /** The offending field of a 422. */
  readonly field?: string;
}

/**
 * Status and body for an error raised while handling a request.
 * @param code Elysia's error code ("PARSE", "NOT_FOUND", "VALIDATION", ...)
 */
export function errorResponse(code: string | number, error: unknown): { status: number; body: ErrorBody } {
  if (error instanceof ValidationError) return { status: 422, body: { error: error.message, field: error.field } };
  if (error instanceof DomainError) return { status: error.status, body: { error: error.message } };
  if (code === "PARSE") return { status: 400, body: { error: "malformed JSON body" } };
  if (code === "NOT_FOUND") return { status: 404, body: { error: "not found" } };
  if (code === "VALIDATION") return { status: 422, body: { error: "request does not match the schema" } };
  return { status: 500, body: { error: "internal error" } };
}
