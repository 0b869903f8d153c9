/**
 * Every migration, in code (no file-system provider, so bundles work). Names sort in the
 * order they run; never rename or edit a migration that has shipped, add a new one.
 */
import type { Migration } from "kysely/migration";
import type { SqlDialectName } from "../database.ts";
import { camerasMigration } from "./0001-cameras.ts";
import { auditLogMigration } from "./0002-audit-log.ts";
import { snapshotIntervalMigration } from "./0003-snapshot-interval.ts";
import { maxViewersMigration } from "./0004-max-viewers.ts";
import { recordingsMigration } from "./0005-recordings.ts";
import { apiTokensMigration } from "./0006-api-tokens.ts";
import { eventsMigration } from "./0007-events.ts";
import { workerTagSourceEngineMigration } from "./0008-worker-tag-source-engine.ts";
import { sealedPasswordMigration } from "./0009-sealed-password.ts";

/** The migrations of camserver's schema for one dialect, keyed by name. */
export function schemaMigrations(dialect: SqlDialectName): Record<string, Migration> {
  return {
    "0001_cameras": camerasMigration(dialect),
    "0002_audit_log": auditLogMigration(dialect),
    "0003_snapshot_interval": snapshotIntervalMigration(),
    "0004_max_viewers": maxViewersMigration(),
    "0005_recordings": recordingsMigration(dialect),
    "0006_api_tokens": apiTokensMigration(dialect),
    "0007_events": eventsMigration(dialect),
    "0008_worker_tag_source_engine": workerTagSourceEngineMigration(dialect),
    "0009_sealed_password": sealedPasswordMigration(dialect),
  };
}
