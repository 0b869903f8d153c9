/**
 * Domain errors: what went wrong in terms a client understands. The API maps each
 * class to one HTTP status in one place (`src/api/error-status.ts`); workers send
 * them across BullMQ as `{ name, message }` and the API rebuilds them.
 */

/** Base class of every domain error. `status` is the HTTP status the API answers with. */
export class DomainError extends Error {
  readonly status: number = 500;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A named thing (camera, session) does not exist. HTTP 404. */
export class NotFoundError extends DomainError {
  override readonly status = 404;
}

/** The request body is not what the route reads (a broken SDP offer). HTTP 400. */
export class BadRequestError extends DomainError {
  override readonly status = 400;
}

/** No valid token came with the request. HTTP 401. */
export class UnauthorizedError extends DomainError {
  override readonly status = 401;
}

/** The token is valid but its role may not do this (a viewer changing a camera). HTTP 403. */
export class ForbiddenError extends DomainError {
  override readonly status = 403;
}

/** The request body is larger than its route reads (JSON 64 KiB, SDP 32 KiB). HTTP 413. */
export class PayloadTooLargeError extends DomainError {
  override readonly status = 413;
}

/** The request body has a Content-Type its route does not read. HTTP 415. */
export class UnsupportedMediaTypeError extends DomainError {
  override readonly status = 415;
}

/** The request is well-formed JSON but a field is wrong. HTTP 422. */
export class ValidationError extends DomainError {
  override readonly status = 422;
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** The thing exists already (duplicate camera id). HTTP 409. */
export class ConflictError extends DomainError {
  override readonly status = 409;
}

/** The camera refused the connection, the credentials or the stream. HTTP 502. */
export class CameraUnreachableError extends DomainError {
  override readonly status = 502;
}

/** The camera accepted TCP but did not answer within its network class's timeout. HTTP 504. */
export class CameraTimeoutError extends DomainError {
  override readonly status = 504;
}

/** A limit was reached (viewers per camera, queue full). HTTP 503. */
export class CapacityError extends DomainError {
  override readonly status = 503;
}

/** Recording files cannot be written (disk full, unwritable directory). HTTP 507. */
export class StorageError extends DomainError {
  override readonly status = 507;
}

/** Every domain error class below DomainError with a `(message)` constructor, by name (ValidationError is rebuilt on its own). */
const domainErrorClasses = {
  BadRequestError,
  UnauthorizedError,
  ForbiddenError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  NotFoundError,
  ConflictError,
  CameraUnreachableError,
  CameraTimeoutError,
  CapacityError,
  StorageError,
} as const;

/** A domain error as it crosses a process boundary (a job's failure reason, a camera's status hash). */
export interface DomainErrorInfo {
  /** The class name (`err.name`). */
  readonly name: string;
  readonly message: string;
  /** The offending field of a ValidationError. */
  readonly field?: string;
}

/**
 * Rebuilds a domain error from its name and message: the class of that name keeps its HTTP
 * status; any other name (the base DomainError, a class of another module) becomes `fallback`.
 * @param fallback the class for names this module does not define @defaultValue DomainError (500)
 */
export function rebuildDomainError(info: DomainErrorInfo, fallback: new (message: string) => DomainError = DomainError): DomainError {
  if (info.name === "ValidationError") {
    const e = new ValidationError(info.field ?? "body", "");
    e.message = info.message;
    return e;
  }
  const Cls = Object.hasOwn(domainErrorClasses, info.name) ? domainErrorClasses[info.name as keyof typeof domainErrorClasses] : fallback;
  return new Cls(info.message);
}
