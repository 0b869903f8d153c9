/**
 * Runs a request job's work and turns a domain error into `UnrecoverableError` carrying
 * it (queues/job-errors.ts), so BullMQ does not retry it and the API answers with its status.
 */
import { UnrecoverableError } from "bullmq";
import { DomainError } from "../src/errors.ts";
import { encodeDomainError } from "../queues/job-errors.ts";

/** Awaits `work`; a DomainError leaves as UnrecoverableError(encoded), anything else as is. */
export async function domainFailure<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof DomainError) throw new UnrecoverableError(encodeDomainError(err));
    throw err;
  }
}
