/**
 * A recording file could not be written: disk full, unwritable or missing directory,
 * read-only mount. The recording it belongs to ends `failed` with this message; the camera
 * and its other consumers go on. Messages name the file relative to RECORDINGS_DIR and the
 * system error in words, never an absolute path of the host.
 */

const REASONS: Record<string, string> = {
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "read-only file system",
  ENOTDIR: "a path component is not a directory",
  ENOENT: "directory does not exist",
  EIO: "input/output error",
  EMFILE: "too many open files",
};

/** A write to the recordings directory failed. */
export class RecordingStorageError extends Error {
  constructor(
    /** The file or directory, relative to RECORDINGS_DIR. */
    readonly file: string,
    /** The system error code (ENOSPC, EACCES, ...), or "unknown". */
    readonly code: string,
  ) {
    super(`cannot write recording file ${file}: ${REASONS[code] ?? "write failed"} (${code})`);
    this.name = new.target.name;
  }
}

/** Wraps a file-system error as a {@link RecordingStorageError}; other errors pass through. */
export function storageError(err: unknown, file: string): Error {
  if (err instanceof RecordingStorageError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === "string" && /^E[A-Z]+$/.test(code)) return new RecordingStorageError(file, code);
  return err instanceof Error ? err : new Error(String(err));
}
