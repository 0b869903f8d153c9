/**
 * Per-camera reactions to a new event. Today one: `record_s`, how many seconds a new event
 * of the camera records (0: none). A camera without stored settings has the defaults.
 */
import type { IntSetting } from "../cameras/camera-settings.ts";
import { checkIntSetting } from "../cameras/camera-settings.ts";
import { ValidationError } from "../errors.ts";

/** `record_s`: seconds recorded after each new event, 0-3600; 0 turns it off. */
export const RECORD_ON_EVENT_SETTING: IntSetting = { field: "record_s", min: 0, max: 3600, default: 0 };

/** A camera's event settings. */
export interface EventSettings {
  readonly cameraId: string;
  /** Seconds recorded after each new event; 0: none. */
  readonly recordS: number;
  /** Epoch ms of the last change; 0 for defaults never stored. */
  readonly updatedAt: number;
}

/** Settings of a camera that has none stored. */
export function defaultEventSettings(cameraId: string): EventSettings {
  return { cameraId, recordS: RECORD_ON_EVENT_SETTING.default, updatedAt: 0 };
}

/** The settings as API responses show them. */
export function publicEventSettings(s: EventSettings): { camera_id: string; record_s: number } {
  return { camera_id: s.cameraId, record_s: s.recordS };
}

/**
 * Parses `PUT /v1/cameras/:id/event-settings` `{record_s}`.
 * @throws ValidationError for a missing, bad or unknown field
 */
export function parseEventSettings(body: unknown): { recordS: number } {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new ValidationError("body", "must be a JSON object");
  for (const k of Object.keys(body)) if (k !== "record_s") throw new ValidationError(k.slice(0, 64), "unknown field");
  return { recordS: checkIntSetting(RECORD_ON_EVENT_SETTING, (body as { record_s?: unknown }).record_s) };
}
