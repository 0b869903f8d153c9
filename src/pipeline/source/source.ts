/**
 * The one interface every camera source implements (go2rtc's producers, chosen by URL
 * scheme): a source runs one session at a time against its camera and hands the pipeline
 * access units (90 kHz timestamps) and parameter sets, then resolves with the domain error
 * that says why the session ended. The supervisor (`source-supervisor.ts`) reconnects.
 */
import type { AccessUnit } from "../../media/access-unit.ts";
import type { DomainError } from "../../errors.ts";
import type { CameraNetwork } from "../../cameras/camera.ts";
import type { NetworkTimeouts } from "../network-class.ts";

/** Kinds of source, one file each in this directory. */
export type SourceKind = "rtsp" | "ffmpeg" | "shm";

/** How a camera's RTSP stream is pulled: `auto` is native with an ffmpeg fallback. */
export type SourceEngine = "auto" | "native" | "ffmpeg";

/** The camera as a source sees it. */
export interface SourceCamera {
  readonly id: string;
  /** `rtsp://`, `rtsps://`, `shm://NAME` or an absolute file path; never with credentials. */
  readonly sourceUrl: string;
  /** RTSP user name, or null. Never logged. */
  readonly username: string | null;
  /** RTSP password, or null. Never logged, never on a command line. */
  readonly password: string | null;
  readonly network: CameraNetwork;
  /** @defaultValue "auto" */
  readonly sourceEngine: SourceEngine;
}

/** One source session's inputs and outputs. */
export interface SourceSession {
  readonly camera: SourceCamera;
  readonly timeouts: NetworkTimeouts;
  /** Removes credentials from text before it is kept (stderr tails, camera messages). */
  readonly redact: (text: string) => string;
  /** Called for every access unit, in decoding order. */
  readonly onAccessUnit: (au: AccessUnit) => void;
  /** Called with out-of-band SPS/PPS (an SDP's sprop-parameter-sets, an FLV sequence header). */
  readonly onParameterSets: (sps: readonly Uint8Array[], pps: readonly Uint8Array[]) => void;
  /** Called once, at the first access unit. */
  readonly onFirstMedia?: () => void;
  /** Ends the session; the source then releases its connection or child and resolves. */
  readonly signal: AbortSignal;
}

/** A source of one camera. Instances live as long as the holder and may adapt between sessions. */
export interface Source {
  readonly kind: SourceKind;
  /**
   * Runs one session until it ends. Never rejects: every end, including an abort, resolves
   * with why: a domain error a client may be answered with (CameraUnreachableError 502,
   * CameraTimeoutError 504, ...) or a source signal the supervisor acts on (SourceLostError
   * for a stream that ran and ended: reconnect; NativeUnsupportedError: fall back to ffmpeg).
   */
  run(session: SourceSession): Promise<SessionEnd>;
}

/**
 * Why a source session ended when no client is to be told of it: a signal from a source to
 * its supervisor (reconnect, fall back, adapt). Not a DomainError, so it carries no HTTP
 * status and can never be mistaken for an answer to a request (docs/architecture.md).
 */
export class SourceSignal extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** How a source session ended: a domain error for clients, or a signal for the supervisor. */
export type SessionEnd = DomainError | SourceSignal;

/** A source that had streamed ended (camera closed, reset or stalled): reconnect. */
export class SourceLostError extends SourceSignal {}

/**
 * The camera uses a protocol feature the native client does not support (an H.265 stream,
 * a transport it cannot set up): the supervisor switches this camera to the ffmpeg engine.
 */
export class NativeUnsupportedError extends SourceSignal {
  /** @param transcode the stream is not H.264 (H.265): the ffmpeg source must re-encode it */
  constructor(
    message: string,
    readonly transcode = false,
  ) {
    super(message);
  }
}
