/**
 * Domain errors across the BullMQ boundary. A processor throws
 * `UnrecoverableError(encodeDomainError(err))`; the producer gets the job's
 * `failedReason` back and rebuilds the same class with `decodeJobError`, so the
 * API answers with the status the worker meant (404, 502, 504 ...).
 */
import { DomainError, ValidationError, rebuildDomainError, type DomainErrorInfo } from "../src/errors.ts";

const MARK = "domain-error:";

/** Serialises a domain error into a job failure reason. */
export function encodeDomainError(err: DomainError): string {
  const field = err instanceof ValidationError ? err.field : undefined;
  return MARK + JSON.stringify({ name: err.name, message: err.message, field });
}

/** Rebuilds the domain error of a failure reason; other reasons become a plain DomainError (500). */
export function decodeJobError(reason: string): DomainError {
  if (!reason.startsWith(MARK)) return new DomainError(reason);
  try {
    return rebuildDomainError(JSON.parse(reason.slice(MARK.length)) as DomainErrorInfo);
  } catch {
    return new DomainError(reason);
  }
}
