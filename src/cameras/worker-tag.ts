/**
 * Worker tags bind cameras to worker hosts: a worker process has tags (`WORKER_TAGS`, e.g.
 * `host:cam-board-1`), a camera may require one (`worker_tag`), and only workers that have
 * it consume that camera's queue. A shared-memory camera is read on the host that has its
 * ring, so it requires that host's tag.
 */
import { ValidationError } from "../errors.ts";

/** A tag: 1-64 letters, digits and `_ . : -`, e.g. `host:cam-board-1`. */
export const WORKER_TAG_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

/**
 * Reads a camera's `worker_tag`: a tag, or null for any worker.
 * @throws ValidationError on `worker_tag` for anything else
 */
export function readWorkerTag(value: unknown): string | null {
  if (value === null) return null;
  if (typeof value !== "string" || !WORKER_TAG_PATTERN.test(value)) {
    throw new ValidationError("worker_tag", "must be null or 1-64 characters of A-Z, a-z, 0-9, _ . : -");
  }
  return value;
}

/**
 * Whether a worker with tags `workerTags` may consume the queue of a camera that requires
 * `required` (null: any worker may).
 */
export function workerMayTake(workerTags: readonly string[], required: string | null): boolean {
  return required === null || workerTags.includes(required);
}
