/**
 * Typed job payloads and results. Jobs carry camera ids, never credentials.
 */

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
