/**
 * Typed job payloads and results. Jobs carry camera ids, never credentials.
 */
import type { RecordingFormat } from "../src/recordings/recording.ts";
import type { PublicRecording } from "../src/recordings/recording-view.ts";

/** `stream-start` job: open or extend the camera's HLS session. */
export interface StreamStartJob {
  readonly cameraId: string;
}

/** `stream-start` result, exactly the seed API's response body. */
export interface StreamStartResult {
  readonly session_id: string;
  /** `/hls/<session_id>/index.m3u8` */
  readonly hls_url: string;
  /** ISO 8601 instant. */
  readonly expires_at: string;
}

/** The pipeline job in a camera's queue: hold the camera while it has leases. */
export interface PipelineJob {
  readonly cameraId: string;
}

/** `snapshot` job: a JPEG of the camera's current picture. */
export interface SnapshotJob {
  readonly cameraId: string;
  /** Accept a JPEG made within this many ms without decoding again. */
  readonly maxAgeMs?: number;
  /** A periodic poll: also keep the JPEG as the camera's latest polled snapshot. */
  readonly poll?: boolean;
}

/** `snapshot` result; the JPEG itself is in Redis (SnapshotStore, slot "latest"). */
export interface SnapshotResult {
  /** Epoch ms at which the decoded keyframe arrived from the camera. */
  readonly at: number;
  /** Served from a JPEG young enough (`maxAgeMs`), nothing decoded. */
  readonly cached: boolean;
}

/** Options of a recording to start (`record` job "start"). */
export interface RecordStartJob {
  readonly kind: "start";
  readonly cameraId: string;
  readonly format: RecordingFormat;
  /** Most media seconds; null or absent = until stopped. */
  readonly maxDurationS?: number | null;
  /** `.h264` file name (seed routes); absent = `recording_YYYYMMDD_HHMMSS.h264`. */
  readonly filename?: string;
  /** Refuse (409) when the camera already has a running recording of the same trigger (the seed's one-per-camera routes). */
  readonly exclusive?: boolean;
  /** Who asks. @defaultValue "api" */
  readonly trigger?: "api" | "seed";
}

/** `record` job "stop": end a recording once its recorder has written its last segment. */
export interface RecordStopJob {
  readonly kind: "stop";
  readonly recordingId: string;
}

/** `record` job "ensure" (a camera's continuous or scheduled recording, from its job scheduler). */
export interface RecordEnsureJob {
  readonly kind: "ensure";
  readonly cameraId: string;
}

/** `record` job "maintain" (job scheduler): retention, and recordings whose recorder vanished. */
export interface RecordMaintainJob {
  readonly kind: "maintain";
}

/** Every `record` job; the job name equals `kind`. */
export type RecordJob = RecordStartJob | RecordStopJob | RecordEnsureJob | RecordMaintainJob;

/** Result of "start" and "stop": the recording as the API shows it (with its parts). */
export type RecordResult = PublicRecording;

/**
 * `webrtc-offer` job: answer a viewer's SDP offer from the camera's holder. The offer and
 * the answer travel in short-lived Redis keys (WebRtcSignals), never in job data or results,
 * which Bull Board keeps.
 */
export interface WebRtcOfferJob {
  readonly cameraId: string;
  /** Chosen by the API; names the WHEP session and the keys of its offer and answer. */
  readonly viewerId: string;
}

/** `webrtc-offer` result: the answer waits in its key for the API. */
export interface WebRtcOfferResult {
  /** Length of the answer SDP, characters (for Bull Board). */
  readonly answerLength: number;
}
