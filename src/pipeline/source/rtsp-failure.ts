/**
 * Why a native RTSP session ended, as the domain error a client sees (the same classes the
 * ffmpeg source gives, see ffmpeg-failure.ts and test/integration/errors.test.ts):
 *
 * | end                                                        | before video          | after video      |
 * |------------------------------------------------------------|-----------------------|------------------|
 * | TCP refused, unknown host, no route, TLS failure           | CameraUnreachable 502 | -                |
 * | 401 after the retry, 403, 404, 453, 454, any non-2xx       | CameraUnreachable 502 | SourceLost       |
 * | no answer to a request within readMs, no video in connectMs | CameraTimeout 504     | SourceLost       |
 * | connection closed or reset, garbage on the connection      | CameraUnreachable 502 | SourceLost       |
 * | no video for stallMs                                       | -                     | SourceLost       |
 * | H.265, no H.264 video, no RTP over TCP, RTP not H.264      | NativeUnsupported     | SourceLost       |
 * | the session's signal (stop)                                | SourceLost            | SourceLost       |
 *
 * Messages name the camera and what it said, never its credentials (they go through `redact`).
 */
import { CameraTimeoutError, CameraUnreachableError } from "../../errors.ts";
import { MediaError } from "../../media/errors.ts";
import { SdpError, UnsupportedAuthError } from "../../media/rtsp/rtsp-errors.ts";
import { RtspClosedError, RtspStatusError, RtspTimeoutError } from "./rtsp-client.ts";
import { RtspConnectError } from "./rtsp-connection.ts";
import { NativeUnsupportedError, type SessionEnd, SourceLostError } from "./source.ts";

/** The camera offers nothing the native client can receive (H.265, no TCP, not H.264). */
export class RtspUnsupportedError extends Error {
  constructor(
    message: string,
    readonly transcode = false,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** No access unit within the connect deadline. */
export class RtspNoVideoError extends Error {
  constructor(readonly connectMs: number) {
    super(`no video within ${connectMs} ms`);
    this.name = new.target.name;
  }
}

/** Video stopped for the stall timeout while the connection stayed open. */
export class RtspStallError extends Error {
  constructor(readonly stallMs: number) {
    super(`no video for ${stallMs} ms`);
    this.name = new.target.name;
  }
}

/** The session's signal ended it. */
export class RtspStoppedError extends Error {
  constructor() {
    super("stopped");
    this.name = new.target.name;
  }
}

/** What {@link classifyRtspEnd} needs to know. */
export interface RtspEnd {
  readonly cameraId: string;
  /** Why the session ended (any thrown value). */
  readonly error: unknown;
  /** Whether an access unit had been delivered. */
  readonly live: boolean;
  readonly redact: (text: string) => string;
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/** The domain error for an ended native RTSP session (table in the module comment). */
export function classifyRtspEnd(end: RtspEnd): SessionEnd {
  const cam = `camera ${end.cameraId}`;
  const e = end.error;
  const text = (m: string) => end.redact(m);
  if (e instanceof RtspStoppedError) return new SourceLostError(`${cam}: session stopped`);
  if (e instanceof RtspStallError) return new SourceLostError(`${cam} stalled: no video for ${seconds(e.stallMs)}`);
  if (end.live) {
    const why = e instanceof RtspClosedError && e.end.kind === "closed" ? "the camera closed the connection" : text(e instanceof Error ? e.message : String(e));
    return new SourceLostError(`${cam} stream ended: ${why}`);
  }
  if (e instanceof RtspUnsupportedError) return new NativeUnsupportedError(`${cam}: ${text(e.message)}`, e.transcode);
  if (e instanceof RtspNoVideoError) return new CameraTimeoutError(`${cam} did not answer within ${seconds(e.connectMs)} (no video)`);
  if (e instanceof RtspTimeoutError) return new CameraTimeoutError(`${cam} did not answer within ${seconds(e.timeoutMs)} (${e.method})`);
  if (e instanceof RtspConnectError) {
    if (e.kind === "timeout") return new CameraTimeoutError(`${cam} did not answer within the connect timeout (${text(e.message)})`);
    return new CameraUnreachableError(`${cam} refused: ${text(e.message)}`);
  }
  if (e instanceof RtspStatusError) return new CameraUnreachableError(`${cam} refused: ${e.status} ${text(e.reason)} (${e.method})`.replace("  ", " "));
  if (e instanceof UnsupportedAuthError) return new CameraUnreachableError(`${cam} refused: 401 Unauthorized (no supported authentication scheme)`);
  if (e instanceof SdpError) return new CameraUnreachableError(`${cam} sent an unusable SDP: ${text(e.reason)}`);
  if (e instanceof RtspClosedError) {
    if (e.end.kind === "protocol") return new CameraUnreachableError(`${cam} sent a malformed RTSP message: ${text(e.end.error.message)}`);
    return new CameraUnreachableError(`${cam} refused: it closed the connection before video`);
  }
  if (e instanceof MediaError) return new CameraUnreachableError(`${cam} sent something unusable: ${text(e.message)}`);
  return new CameraUnreachableError(`${cam} failed: ${text(e instanceof Error ? e.message : String(e))}`);
}
