/**
 * Prometheus metrics of this process (prom-client). The API serves them at `/metrics`;
 * with `start` that includes the worker's pipeline metrics. Process and runtime metrics
 * keep their standard names (`process_*`, `nodejs_*`); camserver's own start with
 * `camserver_`. What to alert on: infra/prometheus/alerts.yml and docs/operations.md.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** The process registry. */
export const registry = new Registry();
// The event-loop delay histogram samples every 100 ms, not prom-client's default 10 ms:
// measured, the 10 ms timer alone cost an idle process 0.7 % of a core (0.06 % at 100 ms).
collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 100 });

/** Access units received from sources, by camera. */
export const accessUnitsTotal = new Counter({
  name: "camserver_access_units_total",
  help: "Access units received from camera sources",
  labelNames: ["camera"],
  registers: [registry],
});

/**
 * RTP packets of a native RTSP source that could not be depacketized as H.264 (RFC 6184:
 * a bad NAL unit or FU header, a broken fragmentation unit), by camera. The session goes on.
 */
export const rtpMalformedPacketsTotal = new Counter({
  name: "camserver_rtp_malformed_packets_total",
  help: "RTP packets from camera sources that could not be depacketized as H.264",
  labelNames: ["camera"],
  registers: [registry],
});

/** Access units a slow consumer lost (skipped to the next keyframe), by camera and kind. */
export const consumerDroppedTotal = new Counter({
  name: "camserver_consumer_dropped_access_units_total",
  help: "Access units dropped for consumers that did not keep up",
  labelNames: ["camera", "kind"],
  registers: [registry],
});

/** Source sessions started (reconnects included), by camera. */
export const sourceSessionsTotal = new Counter({
  name: "camserver_source_sessions_total",
  help: "Upstream source sessions started",
  labelNames: ["camera"],
  registers: [registry],
});

/** Cameras this process holds now. */
export const heldCameras = new Gauge({
  name: "camserver_held_cameras",
  help: "Cameras whose upstream connection this process holds",
  registers: [registry],
});

/** Errors nobody awaited, logged instead of ending the process (src/lifecycle.ts). */
export const unhandledErrors = new Counter({
  name: "camserver_unhandled_errors_total",
  help: "Unhandled rejections and uncaught exceptions, logged and survived",
  labelNames: ["kind"],
  registers: [registry],
});

/** Time a recorder spends on one access unit (dequeued -> in its segment buffer or file), seconds. */
export const recordWriteSeconds = new Histogram({
  name: "camserver_record_write_seconds",
  help: "Recorder time per access unit, from its queue to its segment buffer or file",
  buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
  registers: [registry],
});

/** Time to write one recording segment durably (write, fsync, rename, directory fsync), seconds. */
export const recordSegmentWriteSeconds = new Histogram({
  name: "camserver_record_segment_write_seconds",
  help: "Durable write of one recording segment file",
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});

/** Recordings this process writes now. */
export const activeRecordings = new Gauge({
  name: "camserver_recordings_active",
  help: "Recordings this process is writing",
  registers: [registry],
});

/** Recordings that ended failed, by reason (storage, database, other). */
export const recordingFailuresTotal = new Counter({
  name: "camserver_recording_failures_total",
  help: "Recordings that ended failed",
  labelNames: ["reason"],
  registers: [registry],
});

/** Frames read intact from shared-memory rings (`shm://` cameras), by camera. */
export const shmFramesReadTotal = new Counter({
  name: "camserver_shm_frames_read_total",
  help: "Frames read intact from shared-memory rings",
  labelNames: ["camera"],
  registers: [registry],
});

/** Ring frames overwritten by the writer while they were being copied, by camera. */
export const shmSkippedTornTotal = new Counter({
  name: "camserver_shm_frames_skipped_torn_total",
  help: "Shared-memory ring frames skipped because the writer overwrote them during the copy",
  labelNames: ["camera"],
  registers: [registry],
});

/** Ring frames lost because the reader fell behind (and waited for the next keyframe), by camera. */
export const shmSkippedBehindTotal = new Counter({
  name: "camserver_shm_frames_skipped_behind_total",
  help: "Shared-memory ring frames skipped because the reader fell behind the writer",
  labelNames: ["camera"],
  registers: [registry],
});

/** Live ffmpeg children of this process by role (source, transcode, decoder, segmenter, other; src/proc/child-metrics.ts). */
export const ffmpegChildren = new Gauge({
  name: "camserver_ffmpeg_children",
  help: "Live ffmpeg children of this process, by role",
  labelNames: ["role"],
  registers: [registry],
});

/** ffmpeg children that ended, by role and how (exit, timeout, stop, stall, killed). */
export const ffmpegExitsTotal = new Counter({
  name: "camserver_ffmpeg_exits_total",
  help: "ffmpeg children that ended, by role and reason (exit, timeout, stop, stall, killed)",
  labelNames: ["role", "reason"],
  registers: [registry],
});

/** Leftover children of dead camserver processes killed by the reaper (at start-up and every minute). */
export const reapedChildrenTotal = new Counter({
  name: "camserver_reaped_children_total",
  help: "Leftover children of dead camserver processes killed by the reaper",
  registers: [registry],
});

/** How long request jobs waited for a camera (live, or failed), seconds, by request kind and outcome. */
export const cameraWaitSeconds = new Histogram({
  name: "camserver_camera_wait_seconds",
  help: "Time a request waited for its camera, by kind (stream, snapshot, webrtc, record) and outcome (ready, unreachable, timeout)",
  labelNames: ["kind", "outcome"],
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 8, 13, 20, 30],
  registers: [registry],
});

/** Waits for a camera that ended at their deadline, by request kind. */
export const cameraWaitTimeoutsTotal = new Counter({
  name: "camserver_camera_wait_timeouts_total",
  help: "Waits for a camera that reached their deadline, by request kind",
  labelNames: ["kind"],
  registers: [registry],
});

/** How long request jobs waited in their queue before a worker took them, seconds. */
export const queueWaitSeconds = new Histogram({
  name: "camserver_queue_wait_seconds",
  help: "Time from adding a request job to a worker starting it, by queue",
  labelNames: ["queue"],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [registry],
});

/**
 * Access units handed to consumers of a kind (hls, snapshot, record, webrtc). A WebRTC
 * access unit counts once per viewer it is handed to.
 */
export const consumerReadTotal = new Counter({
  name: "camserver_consumer_read_access_units_total",
  help: "Access units handed to consumers, by kind (webrtc: once per viewer)",
  labelNames: ["kind"],
  registers: [registry],
});

/** Access units consumers of a kind took and did not drop (read minus dropped, as of the last holder tick). */
export const consumerProcessedTotal = new Counter({
  name: "camserver_consumer_processed_access_units_total",
  help: "Access units consumers took without dropping them (read minus dropped), by kind",
  labelNames: ["kind"],
  registers: [registry],
});

/** WebRTC viewers attached to each camera this process holds. */
export const webrtcClients = new Gauge({
  name: "camserver_webrtc_clients",
  help: "WebRTC viewers attached, by camera",
  labelNames: ["camera"],
  registers: [registry],
});

/** Unix time (s) since which a held camera's source keeps failing without going live again. */
export const cameraRetryingSince = new Gauge({
  name: "camserver_camera_retrying_since_timestamp_seconds",
  help: "Unix time since which a held camera has been failing to connect (series absent while live or idle)",
  labelNames: ["camera"],
  registers: [registry],
});

/** Camera queues this process consumes now (cameras wanted: leases or a pipeline job). */
export const cameraQueueConsumers = new Gauge({
  name: "camserver_camera_queue_consumers",
  help: "Camera queues this worker process consumes now (one BullMQ Worker each)",
  registers: [registry],
});
