import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkSourceLocation, MEDIA_FILE_REFUSED, resolveMediaFile } from "../../../src/cameras/media-source.ts";
import { ValidationError } from "../../../src/errors.ts";

let tmp: string;
let media: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "camserver-media-"));
  media = join(tmp, "media");
  await mkdir(join(media, "sub"), { recursive: true });
  await writeFile(join(media, "clip.mp4"), "x");
  await writeFile(join(media, "sub", "deep.mp4"), "x");
  await writeFile(join(tmp, "notes.txt"), "secret notes");
  await mkdir(join(tmp, "media-evil"));
  await writeFile(join(tmp, "media-evil", "clip.mp4"), "x");
  await symlink(join(tmp, "notes.txt"), join(media, "escape.mp4"));
  await symlink(join(media, "clip.mp4"), join(media, "alias.mp4"));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

async function refusal(path: string, dir: string | undefined = media): Promise<ValidationError> {
  try {
    await resolveMediaFile(path, dir);
  } catch (err) {
    if (err instanceof ValidationError) return err;
    throw err;
  }
  throw new Error("accepted");
}

describe("resolveMediaFile", () => {
  it("accepts a regular file inside MEDIA_DIR and returns its real path", async () => {
    expect(await resolveMediaFile(join(media, "clip.mp4"), media)).toBe(join(media, "clip.mp4"));
    expect(await resolveMediaFile(join(media, "sub", "deep.mp4"), media)).toBe(join(media, "sub", "deep.mp4"));
  });

  it("follows a symlink that stays inside MEDIA_DIR", async () => {
    expect(await resolveMediaFile(join(media, "alias.mp4"), media)).toBe(join(media, "clip.mp4"));
  });

  const refused: [string, () => string][] = [
    ["a file outside MEDIA_DIR", () => join(tmp, "notes.txt")],
    ["a path that climbs out with ..", () => join(media, "..", "notes.txt")],
    ["a sibling directory whose name starts with MEDIA_DIR's", () => join(tmp, "media-evil", "clip.mp4")],
    ["a symlink inside MEDIA_DIR that points outside", () => join(media, "escape.mp4")],
    ["a path that does not exist", () => join(media, "missing.mp4")],
    ["a directory", () => join(media, "sub")],
    ["a device file", () => "/dev/null"],
  ];
  for (const [what, path] of refused) {
    it(`refuses ${what} with a 422 on source_url that does not repeat the path`, async () => {
      const err = await refusal(path());
      expect(err.status).toBe(422);
      expect(err.field).toBe("source_url");
      expect(err.message).toBe(`source_url: ${MEDIA_FILE_REFUSED}`);
      expect(err.message).not.toContain(tmp);
    });
  }

  it("gives the same message for an existing and a missing outside path", async () => {
    expect((await refusal(join(tmp, "notes.txt"))).message).toBe((await refusal(join(tmp, "nothing.txt"))).message);
  });

  it("refuses every file source when there is no MEDIA_DIR", async () => {
    expect(resolveMediaFile(join(media, "clip.mp4"), undefined)).rejects.toBeInstanceOf(ValidationError);
  });
});

describe("checkSourceLocation", () => {
  it("passes camera URLs that are not file paths", async () => {
    await checkSourceLocation("rtsp://10.0.0.5/stream1", media);
    await checkSourceLocation("shm://cam0", undefined);
  });

  it("refuses a file path outside MEDIA_DIR", async () => {
    expect(checkSourceLocation(join(tmp, "notes.txt"), media)).rejects.toBeInstanceOf(ValidationError);
  });
});
