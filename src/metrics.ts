/**
 * Prometheus metrics of this process (prom-client). The API serves them at `/metrics`;
 * with `start` that includes the worker's pipeline metrics.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** The process registry. */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: "camserver_" });

/** Access units received from sources, by camera. */
export const accessUnitsTotal = new Counter({
  name: "camserver_access_units_total",
  help: "Access units received from camera sources",
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
