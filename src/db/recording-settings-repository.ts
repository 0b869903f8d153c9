/**
 * Per-camera recording settings in `camera_recording_settings` (one row per camera that has
 * any; deleted with its camera by the foreign key). A camera without a row has the
 * defaults (`defaultRecordingSettings`: recording off, keep everything).
 */
import type { Kysely, Selectable } from "kysely";
import { defaultRecordingSettings, type RecordingSettings } from "../recordings/recording-settings.ts";
import { intColumn } from "./int-column.ts";
import type { CameraRecordingSettingsTable } from "./recording-schema.ts";
import type { Schema } from "./schema.ts";
import { isUniqueViolation } from "./unique-violation.ts";

function toSettings(r: Selectable<CameraRecordingSettingsTable>): RecordingSettings {
  return {
    cameraId: r.camera_id,
    mode: r.mode,
    cron: r.cron,
    segmentS: intColumn(r.segment_s, "camera_recording_settings.segment_s"),
    format: r.format,
    maxAgeH: r.max_age_h === null ? null : intColumn(r.max_age_h, "camera_recording_settings.max_age_h"),
    maxBytes: r.max_bytes === null ? null : intColumn(r.max_bytes, "camera_recording_settings.max_bytes"),
    updatedAt: intColumn(r.updated_at, "camera_recording_settings.updated_at"),
  };
}

/** Reads and stores recording settings. Values are expected to be parsed already. */
export class RecordingSettingsRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  /** The camera's settings, or the defaults when it has none stored (the camera is not checked). */
  async get(cameraId: string): Promise<RecordingSettings> {
    const row = await this.db.selectFrom("camera_recording_settings").selectAll().where("camera_id", "=", cameraId).executeTakeFirst();
    return row ? toSettings(row) : defaultRecordingSettings(cameraId);
  }

  /** Every stored row (cameras with settings), for schedulers and retention. */
  async list(): Promise<RecordingSettings[]> {
    return (await this.db.selectFrom("camera_recording_settings").selectAll().orderBy("camera_id").execute()).map(toSettings);
  }

  /**
   * Stores the settings (insert or replace).
   * @throws the driver's foreign-key error when the camera does not exist (check it first)
   */
  async put(s: RecordingSettings): Promise<void> {
    const values = {
      mode: s.mode,
      cron: s.cron,
      segment_s: s.segmentS,
      format: s.format,
      max_age_h: s.maxAgeH,
      max_bytes: s.maxBytes,
      updated_at: s.updatedAt,
    };
    const update = () => this.db.updateTable("camera_recording_settings").set(values).where("camera_id", "=", s.cameraId).execute();
    const exists = await this.db.selectFrom("camera_recording_settings").select("camera_id").where("camera_id", "=", s.cameraId).executeTakeFirst();
    if (exists) return void (await update());
    try {
      await this.db
        .insertInto("camera_recording_settings")
        .values({ camera_id: s.cameraId, ...values })
        .execute();
    } catch (err) {
      // Another writer inserted it between our read and insert: ours is the later change.
      if (!isUniqueViolation(err)) throw err;
      await update();
    }
  }
}
