/**
 * Prometheus metrics of this process (prom-client). The API serves them at `/metrics`;
 * with `start` that includes the worker's pipeline metrics.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from "prom-client";

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
