/** Shared-memory ring source (placeholder until the ring reader lands). */
import { CameraUnreachableError, type DomainError } from "../../errors.ts";
import type { Logger } from "../../log.ts";
import type { Source, SourceSession } from "./source.ts";

/** Options of the shared-memory source. */
export interface ShmSourceOptions {
  readonly log?: Logger;
}

/** A camera read from a local camera daemon's ring in /dev/shm. */
export class ShmSource implements Source {
  readonly kind = "shm";
  constructor(readonly opts: ShmSourceOptions = {}) {}
  async run(s: SourceSession): Promise<DomainError> {
    return new CameraUnreachableError(`camera ${s.camera.id}: shared-memory source not available`);
  }
}
