/**
 * The ffmpeg source: one ffmpeg child per session that pulls the camera (or loops a file)
 * and writes FLV on stdout, demuxed here into access units. Used where camserver does not
 * do the work itself: H.265 cameras re-encoded once with libx264, demo files, and cameras
 * whose `source_engine` says so or whose stream the native client does not support.
 * It adapts once per camera: re-encode a camera that is not H.264, probe one whose SDP
 * does not describe its stream.
 *
 * Kill paths: the connect deadline (no access unit within connectMs), the stall watchdog
 * (no access unit for stallMs), the session's abort signal (lease gone, fence lost, worker
 * shutdown), and pdeathsig/reaper for a dead worker (src/proc).
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { isFileSource, resolveMediaFile } from "../../cameras/media-source.ts";
import { withCredentials } from "../../cameras/source-url.ts";
import { mediaDirOf } from "../../config.ts";
import { DomainError } from "../../errors.ts";
import type { Logger } from "../../log.ts";
import { FlvDemuxer } from "../../media/flv-demux.ts";
import { spawnChild } from "../../proc/spawn-child.ts";
import { StallWatchdog } from "../../proc/stall-watchdog.ts";
import { concatList, isRtspUrl, sourceArgs, type SourceSpec } from "./ffmpeg-args.ts";
import { classifySourceEnd, NeedsFullProbeError, NeedsTranscodeError } from "./ffmpeg-failure.ts";
import type { SessionEnd, Source, SourceSession } from "./source.ts";

/** Options of an ffmpeg source. */
export interface FfmpegSourceOptions {
  /** Start re-encoding at once (the native client saw H.265). @defaultValue false */
  readonly transcode?: boolean;
  /** Told once when the source adapts to its camera. */
  readonly log?: Logger;
  /** MEDIA_DIR: a file source plays only a regular file inside it, checked at each start. @defaultValue `mediaDirOf(process.env)` */
  readonly mediaDir?: string;
}

/** A camera pulled through an ffmpeg child. */
export class FfmpegSource implements Source {
  readonly kind = "ffmpeg";
  private transcode: boolean;
  private probe: "fast" | "full" = "fast";

  constructor(private readonly opts: FfmpegSourceOptions = {}) {
    this.transcode = opts.transcode ?? false;
  }

  /** Whether the source re-encodes (shown in camera state). */
  get transcoding(): boolean {
    return this.transcode;
  }

  async run(s: SourceSession): Promise<SessionEnd> {
    for (;;) {
      const err = await this.session(s);
      if (s.signal.aborted) return err;
      // Adapt to the camera once, at once, without the supervisor's backoff.
      if (err instanceof NeedsTranscodeError && !this.transcode) this.transcode = true;
      else if (err instanceof NeedsFullProbeError && this.probe === "fast") this.probe = "full";
      else return err;
      this.opts.log?.info({ camera: s.camera.id }, err.message);
    }
  }

  private async session(s: SourceSession): Promise<SessionEnd> {
    const { camera, timeouts } = s;
    const started = performance.now();
    let sourceUrl = camera.sourceUrl;
    if (isFileSource(sourceUrl)) {
      // Again at every start: the file may have become a symlink to elsewhere since it was stored.
      try {
        sourceUrl = await resolveMediaFile(sourceUrl, this.opts.mediaDir ?? mediaDirOf());
      } catch (err) {
        if (err instanceof DomainError) return err;
        throw err;
      }
    }
    const inputUrl = withCredentials(sourceUrl, camera.username, camera.password);
    // ffmpeg names its input in errors: a host path never reaches a message or a log line.
    const paths = isFileSource(sourceUrl) ? [sourceUrl, camera.sourceUrl] : [];
    const redact = (text: string) => paths.reduce((t, p) => t.split(p).join("<media file>"), s.redact(text));
    let spec: SourceSpec = { inputUrl, timeouts, transcode: this.transcode, probe: this.probe };
    // Credentials go to ffmpeg in a private list file, removed as soon as ffmpeg has read it.
    const credDir = isRtspUrl(inputUrl) && (camera.username || camera.password) ? await mkdtemp(`${tmpdir()}/camserver-src-`) : undefined;
    if (credDir) {
      spec = { ...spec, listFile: `${credDir}/input.ffconcat` };
      await writeFile(spec.listFile!, concatList(spec), { mode: 0o600 });
    }
    const forgetCredentials = () => (credDir ? rm(credDir, { recursive: true, force: true }) : Promise.resolve());
    const child = spawnChild({
      cmd: ["ffmpeg", ...sourceArgs(spec)],
      label: `source ${camera.id}`,
      stdin: "ignore",
      stdout: "pipe",
      redact,
      signal: s.signal,
    });
    let timedOut: "connect" | "stall" | null = null;
    let gotMedia = false;
    const connectTimer = setTimeout(() => {
      timedOut = "connect";
      void child.stop("connect timeout");
    }, timeouts.connectMs);
    let watchdog: StallWatchdog | undefined;
    const demuxer = new FlvDemuxer();
    let knownSps: readonly Uint8Array[] = [];
    try {
      const reader = child.stdout!.getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        if (!gotMedia) void forgetCredentials();
        const aus = demuxer.push(value);
        if (demuxer.sps !== knownSps) {
          knownSps = demuxer.sps;
          s.onParameterSets(demuxer.sps, demuxer.pps);
        }
        for (const au of aus) {
          if (!gotMedia) {
            gotMedia = true;
            clearTimeout(connectTimer);
            watchdog = new StallWatchdog(timeouts.stallMs, () => {
              timedOut = "stall";
              void child.stop("stall");
            });
            s.onFirstMedia?.();
          }
          watchdog?.kick();
          s.onAccessUnit(au);
        }
      }
    } catch {
      // A broken FLV stream or a read error ends the session like a lost camera.
      await child.stop("demux error");
    } finally {
      clearTimeout(connectTimer);
      watchdog?.stop();
      await forgetCredentials();
    }
    const exit = await child.stop("source ended");
    return classifySourceEnd({
      cameraId: camera.id,
      stderr: redact(exit.stderrTail),
      gotMedia,
      timedOut,
      connectMs: timeouts.connectMs,
      readMs: timeouts.readMs,
      elapsedMs: performance.now() - started,
    });
  }
}
