/**
 * Per-camera event settings in `camera_event_settings` (one row per camera that has any;
 * deleted with its camera by the foreign key). A camera without a row has the defaults.
 */
import type { Kysely } from "kysely";
import { defaultEventSettings, type EventSettings } from "../events/event-settings.ts";
import { intColumn } from "./int-column.ts";
import type { Schema } from "./schema.ts";
import { isUniqueViolation } from "./unique-violation.ts";

/** Reads and stores event settings. Values are expected to be parsed already. */
export class EventSettingsRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  /** The camera's settings, or the defaults when none are stored (the camera is not checked). */
  async get(cameraId: string): Promise<EventSettings> {
    const row = await this.db.selectFrom("camera_event_settings").selectAll().where("camera_id", "=", cameraId).executeTakeFirst();
    if (!row) return defaultEventSettings(cameraId);
    return {
      cameraId,
      recordS: intColumn(row.record_s, "camera_event_settings.record_s"),
      updatedAt: intColumn(row.updated_at, "camera_event_settings.updated_at"),
    };
  }

  /**
   * Stores the settings (insert or replace; the upsert is done by hand, its syntax differs per dialect).
   * @throws the driver's foreign-key error when the camera does not exist (check it first)
   */
  async put(s: EventSettings): Promise<void> {
    const values = { record_s: s.recordS, updated_at: s.updatedAt };
    const update = () => this.db.updateTable("camera_event_settings").set(values).where("camera_id", "=", s.cameraId).execute();
    const exists = await this.db.selectFrom("camera_event_settings").select("camera_id").where("camera_id", "=", s.cameraId).executeTakeFirst();
    if (exists) return void (await update());
    try {
      await this.db
        .insertInto("camera_event_settings")
        .values({ camera_id: s.cameraId, ...values })
        .execute();
    } catch (err) {
      // Another writer inserted it between our read and insert: ours is the later change.
      if (!isUniqueViolation(err)) throw err;
      await update();
    }
  }
}
