/**
 * Domain errors rebuilt after crossing a process boundary (src/errors.ts `rebuildDomainError`,
 * queues/job-errors.ts): the same class and HTTP status, whatever the boundary.
 */
import { describe, expect, it } from "bun:test";
import { decodeJobError, encodeDomainError } from "../../queues/job-errors.ts";
import {
  CameraTimeoutError,
  CameraUnreachableError,
  ConflictError,
  DomainError,
  NotFoundError,
  StorageError,
  ValidationError,
  rebuildDomainError,
} from "../../src/errors.ts";

class SourceSideError extends DomainError {}

describe("rebuildDomainError", () => {
  it.each([
    [new NotFoundError("camera x not found"), NotFoundError, 404],
    [new ConflictError("already recording"), ConflictError, 409],
    [new CameraUnreachableError("refused"), CameraUnreachableError, 502],
    [new CameraTimeoutError("no answer"), CameraTimeoutError, 504],
    [new StorageError("disk full"), StorageError, 507],
  ] as const)("rebuilds %p as its own class and status", (err, Cls, status) => {
    const back = rebuildDomainError({ name: err.name, message: err.message });
    expect(back).toBeInstanceOf(Cls);
    expect(back.status).toBe(status);
    expect(back.message).toBe(err.message);
  });

  it("keeps a ValidationError's field and message", () => {
    const back = rebuildDomainError({ name: "ValidationError", message: "network: must be local or vpn", field: "network" });
    expect(back).toBeInstanceOf(ValidationError);
    expect((back as ValidationError).field).toBe("network");
    expect(back.message).toBe("network: must be local or vpn");
  });

  it("gives a name it does not define, and the base class, the fallback", () => {
    expect(rebuildDomainError({ name: new SourceSideError("x").name, message: "x" }, CameraUnreachableError)).toBeInstanceOf(CameraUnreachableError);
    expect(rebuildDomainError({ name: "DomainError", message: "x" }, CameraUnreachableError)).toBeInstanceOf(CameraUnreachableError);
    expect(rebuildDomainError({ name: "toString", message: "x" }).status).toBe(500);
  });
});

describe("decodeJobError", () => {
  it("round-trips a domain error through a job's failure reason", () => {
    const back = decodeJobError(encodeDomainError(new ValidationError("camera_id", "required")));
    expect(back).toBeInstanceOf(ValidationError);
    expect(back.message).toBe("camera_id: required");
    expect(back.status).toBe(422);
  });

  it("makes any other failure reason a 500 DomainError", () => {
    for (const reason of ["job stalled more than allowable limit", "domain-error:{not json"]) {
      const back = decodeJobError(reason);
      expect(back.constructor).toBe(DomainError);
      expect(back.status).toBe(500);
    }
  });
});
