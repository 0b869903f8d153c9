/**
 * File sources (demo cameras) are confined to MEDIA_DIR: a file path is accepted only when,
 * with every symlink resolved (realpath), it names a regular file inside that directory.
 * Checked when a camera is created or changed and again each time a source starts, so a
 * symlink swapped later is caught. Messages never repeat the path: a refusal must not tell
 * whether some host path exists.
 */
import { realpath, stat } from "node:fs/promises";
import { sep } from "node:path";
import { ValidationError } from "../errors.ts";

/** The one message of every refused file source. */
export const MEDIA_FILE_REFUSED = "must be a regular file inside MEDIA_DIR";

/** Whether a source URL is a file path (absolute, as `validateSourceUrl` accepts it). */
export function isFileSource(url: string): boolean {
  return url.startsWith("/");
}

/**
 * Resolves a file source inside `mediaDir` and returns its real path (use that one, not
 * `path`, so what is checked is what is opened).
 * @param mediaDir MEDIA_DIR; undefined refuses every file source.
 * @throws ValidationError on `source_url` with {@link MEDIA_FILE_REFUSED} when the path does
 *   not exist, resolves outside `mediaDir` or is not a regular file.
 */
export async function resolveMediaFile(path: string, mediaDir: string | undefined): Promise<string> {
  const refuse = (): never => {
    throw new ValidationError("source_url", MEDIA_FILE_REFUSED);
  };
  if (mediaDir === undefined) refuse();
  let real: string;
  let root: string;
  try {
    root = await realpath(mediaDir!);
    real = await realpath(path);
    if (!(await stat(real)).isFile()) refuse();
  } catch (err) {
    if (err instanceof ValidationError) throw err;
    return refuse();
  }
  if (!real.startsWith(root.endsWith(sep) ? root : root + sep)) refuse();
  return real;
}

/**
 * Checks a source URL that is about to be stored: file paths must pass
 * {@link resolveMediaFile}; other URLs pass unchanged.
 * @throws ValidationError on `source_url`
 */
export async function checkSourceLocation(url: string, mediaDir: string | undefined): Promise<void> {
  if (isFileSource(url)) await resolveMediaFile(url, mediaDir);
}
