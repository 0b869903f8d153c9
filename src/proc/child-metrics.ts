/**
 * What a child process counts in metrics: its role (what the ffmpeg is for) while it lives,
 * and why it ended. Only ffmpeg children are counted (`camserver_ffmpeg_*`); others (the
 * private redis-server of `start`) are not. Updated once at spawn and once at exit, never
 * per byte.
 */
import { ffmpegChildren, ffmpegExitsTotal } from "../metrics.ts";

/**
 * What an ffmpeg child is for: `source` pulls a camera (or loops a file), `transcode` pulls
 * and re-encodes one (H.265 to H.264), `decoder` turns a keyframe into a JPEG, `segmenter`
 * muxes HLS, `other` anything else.
 */
export type ChildRole = "source" | "transcode" | "decoder" | "segmenter" | "other";

/** Why a child ended, as counted: see {@link exitCategory}. */
export type ExitCategory = "exit" | "timeout" | "stop" | "stall" | "killed";

/**
 * The role of a child from its command line and label (`"source cam-1"`, `"snapshot decoder"`,
 * `"hls segmenter"`), when the spawner did not name one. A source that encodes with libx264
 * is a `transcode`.
 */
export function childRole(cmd: readonly string[], label: string): ChildRole {
  if (/^source\b/.test(label)) return cmd.includes("libx264") ? "transcode" : "source";
  if (/decoder|snapshot|jpeg/.test(label)) return "decoder";
  if (/segmenter|hls|muxer/.test(label)) return "segmenter";
  return "other";
}

/**
 * How a child's end is counted: `killed` when SIGKILL ended it (it ignored SIGINT for the
 * grace period, or something outside killed it); else `exit` when it ended on its own, and
 * for a stop by its first reason: `timeout` (its whole-life timeout or a connect timeout),
 * `stall` (alive but silent), `stop` (any other request: lease end, fence loss, shutdown).
 */
export function exitCategory(reason: string, signal: string | null): ExitCategory {
  if (signal === "SIGKILL") return "killed";
  if (reason === "exit") return "exit";
  if (reason.includes("timeout")) return "timeout";
  if (reason.includes("stall")) return "stall";
  return "stop";
}

/** Whether `cmd` runs ffmpeg (the only children counted). */
export function isFfmpeg(cmd: readonly string[]): boolean {
  return /(^|\/)ffmpeg$/.test(cmd[0] ?? "");
}

/** Counts a spawned ffmpeg child of `role`. @returns the call to make once it has ended */
export function countChild(role: ChildRole): (reason: string, signal: string | null) => void {
  ffmpegChildren.inc({ role });
  return (reason, signal) => {
    ffmpegChildren.dec({ role });
    ffmpegExitsTotal.inc({ role, reason: exitCategory(reason, signal) });
  };
}
