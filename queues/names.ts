/**
 * Queue names and fixed job ids: the contract between the API and the workers.
 * Request queues take API requests; each camera has its own queue with global
 * concurrency 1 that runs the camera's one pipeline job.
 */

/** Request queue for `POST /v1/streams/start`. */
export const STREAM_START_QUEUE = "stream-start";

/** Request queue for snapshots: API requests and periodic polling (job schedulers). */
export const SNAPSHOT_QUEUE = "snapshot";

/** The job scheduler id of a camera's periodic snapshot polling. */
export function pollSchedulerId(cameraId: string): string {
  return `poll-${cameraId}`;
}

/** Request queue for WebRTC offers (WHEP and the seed's JSON signalling). */
export const WEBRTC_OFFER_QUEUE = "webrtc-offer";

/** Request queue for recordings: start and stop from the API, continuous and scheduled recording, retention. */
export const RECORD_QUEUE = "record";

/** The job scheduler id of a camera's continuous or scheduled recording. */
export function recordSchedulerId(cameraId: string): string {
  return `record-${cameraId}`;
}

/** The job scheduler id of recording maintenance (retention, vanished recorders). */
export const RECORD_MAINTENANCE_SCHEDULER_ID = "recording-maintenance";

/** Prefix of the per-camera queues. */
const CAMERA_QUEUE_PREFIX = "camera-";

/** The queue that runs a camera's pipeline job. */
export function cameraQueueName(cameraId: string): string {
  return `${CAMERA_QUEUE_PREFIX}${cameraId}`;
}

/** The fixed id of a camera's pipeline job: adding it twice is harmless. */
export function pipelineJobId(cameraId: string): string {
  return `pipeline-${cameraId}`;
}
