/**
 * Runs one source session: spawns the source ffmpeg, demuxes its FLV stdout into
 * access units for the pipeline, and ends with the domain error that says why it
 * stopped. Kill paths: the connect deadline (no access unit within connectMs), the
 * stall watchdog (no access unit for stallMs), the abort signal (lease gone, fence
 * lost, worker shutdown), and pdeathsig/reaper for a dead worker (src/proc).
 */
import type { AccessUnit } from "../media/access-unit.ts";
import { FlvDemuxer } from "../media/flv-demux.ts";
import { spawnChild } from "../proc/spawn-child.ts";
import { StallWatchdog } from "../proc/stall-watchdog.ts";
import type { DomainError } from "../errors.ts";
import type { NetworkTimeouts } from "./network-class.ts";
import { sourceArgs } from "./source-args.ts";
import { classifySourceEnd } from "./source-failure.ts";

/** One source session's inputs. */
export interface SourceSession {
  readonly cameraId: string;
  /** Input URL with credentials (never logged). */
  readonly inputUrl: string;
  readonly timeouts: NetworkTimeouts;
  readonly transcode: boolean;
  /** ffmpeg probing, see SourceSpec. */
  readonly probe: "fast" | "full";
  /** Removes credentials from text before it is kept. */
  readonly redact: (text: string) => string;
  /** Called for every access unit, in order. */
  readonly onAccessUnit: (au: AccessUnit) => void;
  /** Called with the SPS/PPS of each FLV sequence header (out-of-band parameter sets). */
  readonly onParameterSets: (sps: readonly Uint8Array[], pps: readonly Uint8Array[]) => void;
  /** Called at the first access unit. */
  readonly onFirstMedia?: () => void;
  /** Ends the session (the result is then an aborted SourceLostError). */
  readonly signal: AbortSignal;
}

/**
 * Runs a source session until it ends.
 * @returns the domain error describing the end (never resolves normally: a camera stream has no end)
 */
export async function runSourceSession(s: SourceSession): Promise<DomainError> {
  const started = performance.now();
  const child = spawnChild({
    cmd: ["ffmpeg", ...sourceArgs({ inputUrl: s.inputUrl, timeouts: s.timeouts, transcode: s.transcode, probe: s.probe })],
    label: `source ${s.cameraId}`,
    stdin: "ignore",
    stdout: "pipe",
    redact: s.redact,
    signal: s.signal,
  });
  let timedOut: "connect" | "stall" | null = null;
  let gotMedia = false;
  const connectTimer = setTimeout(() => {
    timedOut = "connect";
    void child.stop("connect timeout");
  }, s.timeouts.connectMs);
  let watchdog: StallWatchdog | undefined;
  const demuxer = new FlvDemuxer();
  let knownSps: readonly Uint8Array[] = [];
  try {
    const reader = child.stdout!.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      const aus = demuxer.push(value);
      if (demuxer.sps !== knownSps) {
        knownSps = demuxer.sps;
        s.onParameterSets(demuxer.sps, demuxer.pps);
      }
      for (const au of aus) {
        if (!gotMedia) {
          gotMedia = true;
          clearTimeout(connectTimer);
          watchdog = new StallWatchdog(s.timeouts.stallMs, () => {
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
  }
  const exit = await child.stop("source ended");
  return classifySourceEnd({
    cameraId: s.cameraId,
    stderr: exit.stderrTail,
    gotMedia,
    timedOut,
    connectMs: s.timeouts.connectMs,
    readMs: s.timeouts.readMs,
    elapsedMs: performance.now() - started,
  });
}
