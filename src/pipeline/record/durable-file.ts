/**
 * Writing a recording file so that a crash or power loss leaves either the whole file or
 * none of it: write to a temporary name in the same directory, fsync the file, rename it
 * over the final name, fsync the directory (POSIX rename is atomic; the directory fsync
 * makes the rename itself durable). Temporary names start with `.` and end in `.tmp`, so
 * a reader never lists them and a resume can delete leftovers.
 */
import { type FileHandle, mkdir, open, readdir, rename, rm } from "node:fs/promises";
import { basename, dirname, join, relative } from "node:path";
import { storageError } from "./storage-error.ts";

/** Suffix of temporary files. */
export const TEMP_SUFFIX = ".tmp";

/**
 * Writes `chunks` to `path` durably (see the module comment).
 * @param root RECORDINGS_DIR, to name the file relative to it in errors
 * @returns bytes written
 * @throws RecordingStorageError on any file-system failure (the temporary file is removed)
 */
export async function writeDurably(root: string, path: string, chunks: readonly Uint8Array[]): Promise<number> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}${TEMP_SUFFIX}`);
  let bytes = 0;
  try {
    const fh = await open(temp, "w");
    try {
      bytes = await writeAll(fh, chunks);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(temp, path);
    await syncDir(dir);
    return bytes;
  } catch (err) {
    await rm(temp, { force: true }).catch(() => {});
    throw storageError(err, relative(root, path));
  }
}

/**
 * Writes every chunk at the file's current position: writev may write less than asked, so
 * it loops until everything is out (a write that makes no progress is ENOSPC).
 * @returns bytes written
 * @throws the file system's error
 */
export async function writeAll(fh: FileHandle, chunks: readonly Uint8Array[]): Promise<number> {
  let total = 0;
  let rest = chunks.filter((c) => c.byteLength > 0);
  while (rest.length > 0) {
    const { bytesWritten } = await fh.writev(rest);
    if (bytesWritten === 0) throw Object.assign(new Error("no progress"), { code: "ENOSPC" });
    total += bytesWritten;
    rest = skip(rest, bytesWritten);
  }
  return total;
}

function skip(chunks: Uint8Array[], n: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const c of chunks) {
    if (n >= c.byteLength) {
      n -= c.byteLength;
      continue;
    }
    out.push(n > 0 ? c.subarray(n) : c);
    n = 0;
  }
  return out;
}

/** fsyncs a directory, so renames and creations in it survive a power loss. */
export async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, "r");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Creates a directory and its parents.
 * @throws RecordingStorageError naming it relative to `root`
 */
export async function makeDir(root: string, dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    throw storageError(err, relative(root, dir) || ".");
  }
}

/** Deletes the temporary files a dead writer left in `dir` (missing directory: nothing to do). */
export async function removeTempFiles(dir: string): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  const temps = names.filter((n) => n.startsWith(".") && n.endsWith(TEMP_SUFFIX));
  await Promise.all(temps.map((n) => rm(join(dir, n), { force: true })));
  return temps.length;
}
