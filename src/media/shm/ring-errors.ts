/**
 * Typed errors of the shared-memory ring that the generic ones in ../errors.ts do not name.
 * Layout violations use InvalidFieldError and TruncatedError from there.
 */

import { MediaError } from "../errors.ts";

/**
 * The ring exists but its writer has not finished laying it out (infra/shm/camserver_shm.h,
 * "Creating the ring": every field is written before magic). Readers wait and look again.
 */
export class RingNotReadyError extends MediaError {
  /** @param reason what is missing, e.g. "magic is 0" */
  constructor(readonly reason: string) {
    super(`shm ring not ready: ${reason}`);
  }
}
