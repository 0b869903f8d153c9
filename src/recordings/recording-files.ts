/**
 * Where a recording's files are under RECORDINGS_DIR, and removing them. Every recording
 * lives in its own directory `<camera>/<recording id>/` (fMP4 parts in `part-<n>/`, `.h264`
 * part files directly in it), so deleting a recording is deleting that directory.
 */
import { rm } from "node:fs/promises";
import { isAbsolute, join, normalize } from "node:path";
import type { RecordingRecord } from "./recording.ts";

/** The recording's directory relative to RECORDINGS_DIR. */
export function recordingDir(r: RecordingRecord): string {
  return r.format === "fmp4" ? r.path : r.path.slice(0, r.path.lastIndexOf("/"));
}

/**
 * The absolute path of a file named in the database, refusing anything that would leave
 * `root` (a stored path is trusted, but this is cheap and keeps a corrupt row harmless).
 * @throws Error on an absolute path or one with `..`
 */
export function resolveRecordingPath(root: string, rel: string): string {
  const n = normalize(rel);
  if (isAbsolute(n) || n.startsWith("..") || n.includes("/../")) throw new Error(`recording path escapes the recordings directory: ${rel}`);
  return join(root, n);
}

/** Removes the recording's directory with every file in it (missing: nothing to do). */
export async function removeRecordingFiles(root: string, r: RecordingRecord): Promise<void> {
  await rm(resolveRecordingPath(root, recordingDir(r)), { recursive: true, force: true });
}
