/**
 * Per-camera integer settings: their API field names, accepted ranges and defaults, and the
 * one check that both the API parser and the repository apply. The repository checks again
 * because the dialects disagree on bad values (SQLite keeps 1.5 in an integer column, MySQL
 * rounds it), so only values that store the same on both ever reach the database.
 */
import { ValidationError } from "../errors.ts";

/** An integer camera setting: its API field name, inclusive range and value when not given. */
export interface IntSetting {
  /** snake_case name in API bodies and in `ValidationError.field`. */
  readonly field: string;
  readonly min: number;
  readonly max: number;
  readonly default: number;
}

/** `snapshot_interval_s`: seconds between periodic snapshots, 0-86400; 0 turns polling off. */
export const SNAPSHOT_INTERVAL_SETTING: IntSetting = { field: "snapshot_interval_s", min: 0, max: 86_400, default: 0 };

/** `max_viewers`: most WebRTC viewers of one camera at once, 1-1000. */
export const MAX_VIEWERS_SETTING: IntSetting = { field: "max_viewers", min: 1, max: 1000, default: 10 };

/**
 * Returns `value` when it is an integer number within `setting`'s range.
 * @throws ValidationError on `setting.field`, e.g. `max_viewers: must be an integer 1-1000`.
 */
export function checkIntSetting(setting: IntSetting, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < setting.min || value > setting.max) {
    throw new ValidationError(setting.field, `must be an integer ${setting.min}-${setting.max}`);
  }
  return value;
}
