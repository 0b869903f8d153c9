/**
 * The ffmpeg source checks a file camera against MEDIA_DIR each time it starts, with real
 * ffmpeg children: a clip swapped for a symlink to elsewhere is refused without a child, and
 * ffmpeg's own errors about a media file never name the host path.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { mkdir, mkdtemp, rename, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ValidationError } from "../../../../src/errors.ts";
import { NETWORK_TIMEOUTS } from "../../../../src/pipeline/network-class.ts";
import { FfmpegSource } from "../../../../src/pipeline/source/ffmpeg-source.ts";
import type { SourceCamera, SourceSession } from "../../../../src/pipeline/source/source.ts";

let tmp: string;
let media: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "camserver-ffsrc-media-"));
  media = join(tmp, "media");
  await mkdir(media);
  await writeFile(join(tmp, "notes.txt"), "private notes\n");
  await writeFile(join(media, "not-video.mp4"), "plain text, not a video\n");
  const gen = Bun.spawn(
    [
      "ffmpeg",
      "-nostdin",
      "-hide_banner",
      "-loglevel",
      "error",
      "-f",
      "lavfi",
      "-i",
      "testsrc2=size=160x120:rate=10",
      "-t",
      "1",
      "-c:v",
      "libx264",
      "-g",
      "10",
      "-pix_fmt",
      "yuv420p",
      "-y",
      join(media, "clip.mp4"),
    ],
    { stdout: "ignore", stderr: "ignore" },
  );
  expect(await gen.exited).toBe(0);
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

/** Runs one session until the first access unit (then aborts) or until it ends by itself. */
async function runOnce(sourceUrl: string): Promise<{ err: Error; gotMedia: boolean }> {
  const camera: SourceCamera = { id: "cam", sourceUrl, username: null, password: null, network: "local", sourceEngine: "auto" };
  const abort = new AbortController();
  let gotMedia = false;
  const session: SourceSession = {
    camera,
    timeouts: NETWORK_TIMEOUTS.local,
    redact: (t) => t,
    onAccessUnit: () => {
      gotMedia = true;
      abort.abort();
    },
    onParameterSets: () => {},
    signal: abort.signal,
  };
  const err = await new FfmpegSource({ mediaDir: media }).run(session);
  return { err, gotMedia };
}

describe("FfmpegSource with a file camera", () => {
  it("plays a clip inside MEDIA_DIR", async () => {
    expect((await runOnce(join(media, "clip.mp4"))).gotMedia).toBe(true);
  });

  it("refuses the same path once it has become a symlink out of MEDIA_DIR, without naming it", async () => {
    const path = join(media, "swapped.mp4");
    await writeFile(path, await Bun.file(join(media, "clip.mp4")).bytes());
    expect((await runOnce(path)).gotMedia).toBe(true);
    await rename(path, join(tmp, "old.mp4"));
    await symlink(join(tmp, "notes.txt"), path);
    const { err, gotMedia } = await runOnce(path);
    expect(gotMedia).toBe(false);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.message).not.toContain(tmp);
  });

  it("refuses a path outside MEDIA_DIR", async () => {
    const { err } = await runOnce(join(tmp, "notes.txt"));
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.message).not.toContain(tmp);
  });

  it("keeps the host path out of ffmpeg's error about a media file that is not a video", async () => {
    const { err, gotMedia } = await runOnce(join(media, "not-video.mp4"));
    expect(gotMedia).toBe(false);
    expect(err).not.toBeInstanceOf(ValidationError);
    expect(err.message).not.toContain(tmp);
  });
});
