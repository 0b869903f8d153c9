/** The three repositories of recordings, built together by entry points. */
import type { Kysely } from "kysely";
import { RecordingSegmentsRepository } from "./recording-segments-repository.ts";
import { RecordingSettingsRepository } from "./recording-settings-repository.ts";
import { RecordingsRepository } from "./recordings-repository.ts";
import type { Schema } from "./schema.ts";

/** Recordings (with parts), their segments, and per-camera recording settings. */
export interface RecordingRepositories {
  readonly recordings: RecordingsRepository;
  readonly recordingSegments: RecordingSegmentsRepository;
  readonly recordingSettings: RecordingSettingsRepository;
}

/** Builds the recording repositories over one database. */
export function recordingRepositories(db: Kysely<Schema>): RecordingRepositories {
  return {
    recordings: new RecordingsRepository(db),
    recordingSegments: new RecordingSegmentsRepository(db),
    recordingSettings: new RecordingSettingsRepository(db),
  };
}
