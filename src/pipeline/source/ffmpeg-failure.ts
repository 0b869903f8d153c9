/**
 * Turns how a source ffmpeg ended into the domain error a client sees:
 * a refusal (connection refused, 401, 453, unknown host) -> CameraUnreachableError (502);
 * no answer within the connect deadline -> CameraTimeoutError (504);
 * a stream that ran and then ended -> SourceLostError (reconnect).
 * ffmpeg 5.1 exits 0 with no message when a camera closes mid-stream and says
 * "Invalid data found" when a hung camera times out (measured with ffmpeg 5.1): neither the exit
 * code nor that message can be trusted alone.
 */
import { CameraTimeoutError, CameraUnreachableError } from "../../errors.ts";
import { type SessionEnd, SourceLostError, SourceSignal } from "./source.ts";

/** The camera's video is not H.264 and cannot be copied into the pipeline: re-encode. */
export class NeedsTranscodeError extends SourceSignal {}

/** ffmpeg could not describe the stream from the SDP alone: probe the stream itself. */
export class NeedsFullProbeError extends SourceSignal {}

/** How a source process ended. */
export interface SourceEnd {
  readonly cameraId: string;
  /** ffmpeg's stderr tail, credentials already removed. */
  readonly stderr: string;
  /** Whether any access unit arrived. */
  readonly gotMedia: boolean;
  /** The connect deadline or the stall watchdog fired. */
  readonly timedOut: "connect" | "stall" | null;
  readonly connectMs: number;
  /** ffmpeg's socket timeout, ms. */
  readonly readMs: number;
  /** From spawn to exit, ms. */
  readonly elapsedMs: number;
}

// RTSP status codes only as whole words, so that a port such as 45319 is no "453".
const REFUSALS =
  /refused|unreachable|no route|not known|resolve|\b[45]\d\d\b [A-Z]|\b(401|403|404|453)\b|Unauthorized|Forbidden|Not Found|No such file|Server returned|reset by peer|failed:/i;

/** The last stderr line (or the last one matching `pick`), without ffmpeg's `[module @ 0x..]` prefix. */
function lastLine(stderr: string, pick?: RegExp): string {
  const lines = stderr
    .trim()
    .split("\n")
    .map((l) => l.replace(/^\[[^\]]*\]\s*/, "").trim())
    .filter(Boolean);
  return (pick ? lines.filter((l) => pick.test(l)) : lines).at(-1) ?? "no message";
}

/** The domain error for a source that ended. */
export function classifySourceEnd(end: SourceEnd): SessionEnd {
  const cam = `camera ${end.cameraId}`;
  if (/hevc|h265|not compatible with flv|codec not currently supported/i.test(end.stderr) && !end.gotMedia) {
    return new NeedsTranscodeError(`${cam}: video is not H.264, re-encoding`);
  }
  if (!end.gotMedia && /could not find codec parameters|dimensions not set|Could not write header|extradata/i.test(end.stderr)) {
    return new NeedsFullProbeError(`${cam}: stream parameters not in the SDP, probing`);
  }
  if (end.timedOut === "stall") return new SourceLostError(`${cam} stalled: no video for the stall timeout`);
  if (end.gotMedia) return new SourceLostError(`${cam} stream ended: ${lastLine(end.stderr)}`);
  if (end.timedOut === "connect") return new CameraTimeoutError(`${cam} did not answer within ${end.connectMs / 1000} s`);
  // An explicit RTSP answer ("method DESCRIBE failed: 453 ...") is a refusal however late it came.
  if (/method \w+ failed: \d{3}/.test(end.stderr)) return new CameraUnreachableError(`${cam} refused: ${lastLine(end.stderr, /method \w+ failed/)}`);
  // A hung camera makes ffmpeg give up after about its socket timeout; a camera that closes
  // before any RTSP (`--over-limit close`) gives the same message at once.
  if (/timed out|Invalid data found/i.test(end.stderr) && end.elapsedMs >= end.readMs * 0.8)
    return new CameraTimeoutError(`${cam} did not answer within ${end.readMs / 1000} s`);
  if (REFUSALS.test(end.stderr)) return new CameraUnreachableError(`${cam} refused: ${lastLine(end.stderr)}`);
  return new CameraUnreachableError(`${cam} failed: ${lastLine(end.stderr)}`);
}
