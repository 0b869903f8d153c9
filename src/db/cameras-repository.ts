/**
 * Cameras in the database. Same behaviour on SQLite and MySQL: no `returning()` (MySQL
 * ignores it), results are read back; ids compare case-sensitively; instants and settings
 * are numbers. Stored source URLs never carry credentials; stored settings are in range.
 */
import type { Kysely, Selectable } from "kysely";
import { type CameraPatch, type CameraRecord, cameraSourceEngines, type CameraSourceEngine, type NewCamera } from "../cameras/camera.ts";
import { checkIntSetting, MAX_VIEWERS_SETTING, SNAPSHOT_INTERVAL_SETTING } from "../cameras/camera-settings.ts";
import { hasCredentials } from "../cameras/source-url.ts";
import { readWorkerTag } from "../cameras/worker-tag.ts";
import { ConflictError, NotFoundError, ValidationError } from "../errors.ts";
import { intColumn } from "./int-column.ts";
import type { CamerasTable, Schema } from "./schema.ts";
import { isUniqueViolation } from "./unique-violation.ts";

export type { CameraPatch, CameraRecord, NewCamera } from "../cameras/camera.ts";

/** Options of {@link CamerasRepository}. */
export interface CamerasRepositoryOptions {
  /**
   * Clock for `createdAt`/`updatedAt`, in epoch milliseconds.
   * @defaultValue `Date.now`
   */
  now?: () => number;
}

function toRecord(row: Selectable<CamerasTable>): CameraRecord {
  return {
    id: row.id,
    name: row.name,
    sourceUrl: row.source_url,
    username: row.username,
    password: row.password,
    network: row.network,
    snapshotIntervalS: intColumn(row.snapshot_interval_s, "cameras.snapshot_interval_s"),
    maxViewers: intColumn(row.max_viewers, "cameras.max_viewers"),
    sourceEngine: row.source_engine,
    workerTag: row.worker_tag,
    createdAt: intColumn(row.created_at, "cameras.created_at"),
    updatedAt: intColumn(row.updated_at, "cameras.updated_at"),
  };
}

function assertNoCredentials(sourceUrl: string): void {
  if (hasCredentials(sourceUrl)) {
    throw new ValidationError("source_url", "must not contain credentials; send username and password");
  }
}

function checkSourceEngine(engine: CameraSourceEngine): CameraSourceEngine {
  if (!cameraSourceEngines.includes(engine)) {
    throw new ValidationError("source_engine", `must be one of ${cameraSourceEngines.join(", ")}`);
  }
  return engine;
}

/** Create, read, update and delete cameras. Inputs are expected to be parsed already. */
export class CamerasRepository {
  readonly #db: Kysely<Schema>;
  readonly #now: () => number;

  constructor(db: Kysely<Schema>, options: CamerasRepositoryOptions = {}) {
    this.#db = db;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Stores a new camera with `createdAt = updatedAt = now()`, absent settings at their
   * defaults, and returns it as stored.
   * @throws ConflictError when the id exists; ValidationError when `sourceUrl` has userinfo,
   *   a setting is not an integer in its range, or the source engine or worker tag is invalid.
   */
  async create(input: NewCamera): Promise<CameraRecord> {
    assertNoCredentials(input.sourceUrl);
    const snapshotIntervalS = checkIntSetting(
      SNAPSHOT_INTERVAL_SETTING,
      input.snapshotIntervalS ?? SNAPSHOT_INTERVAL_SETTING.default,
    );
    const maxViewers = checkIntSetting(MAX_VIEWERS_SETTING, input.maxViewers ?? MAX_VIEWERS_SETTING.default);
    const sourceEngine = checkSourceEngine(input.sourceEngine ?? "auto");
    const workerTag = readWorkerTag(input.workerTag ?? null);
    const now = this.#now();
    try {
      await this.#db
        .insertInto("cameras")
        .values({
          id: input.id,
          name: input.name,
          source_url: input.sourceUrl,
          username: input.username,
          password: input.password,
          network: input.network,
          snapshot_interval_s: snapshotIntervalS,
          max_viewers: maxViewers,
          source_engine: sourceEngine,
          worker_tag: workerTag,
          created_at: now,
          updated_at: now,
        })
        .execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError(`camera ${input.id} already exists`);
      throw err;
    }
    return this.get(input.id);
  }

  /** The camera with this id. @throws NotFoundError `camera <id> not found`. */
  async get(id: string): Promise<CameraRecord> {
    const row = await this.#db.selectFrom("cameras").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row) throw new NotFoundError(`camera ${id} not found`);
    return toRecord(row);
  }

  /** Every camera, oldest first (`created_at`, then `id`). */
  async list(): Promise<CameraRecord[]> {
    const rows = await this.#db.selectFrom("cameras").selectAll().orderBy("created_at").orderBy("id").execute();
    return rows.map(toRecord);
  }

  /**
   * Applies `patch` (absent fields unchanged, null clears a credential), sets
   * `updatedAt = now()` and returns the camera as stored.
   * @throws NotFoundError; ValidationError when `patch.sourceUrl` has userinfo, a setting
   *   is not an integer in its range, or the source engine or worker tag is invalid.
   */
  async update(id: string, patch: CameraPatch): Promise<CameraRecord> {
    if (patch.sourceUrl !== undefined) assertNoCredentials(patch.sourceUrl);
    if (patch.snapshotIntervalS !== undefined) checkIntSetting(SNAPSHOT_INTERVAL_SETTING, patch.snapshotIntervalS);
    if (patch.maxViewers !== undefined) checkIntSetting(MAX_VIEWERS_SETTING, patch.maxViewers);
    if (patch.sourceEngine !== undefined) checkSourceEngine(patch.sourceEngine);
    if (patch.workerTag !== undefined) readWorkerTag(patch.workerTag);
    const result = await this.#db
      .updateTable("cameras")
      .set({
        name: patch.name,
        source_url: patch.sourceUrl,
        username: patch.username,
        password: patch.password,
        network: patch.network,
        snapshot_interval_s: patch.snapshotIntervalS,
        max_viewers: patch.maxViewers,
        source_engine: patch.sourceEngine,
        worker_tag: patch.workerTag,
        updated_at: this.#now(),
      })
      .where("id", "=", id)
      .executeTakeFirst();
    // Zero rows can also mean "matched but unchanged" on MySQL without FOUND_ROWS: get() decides.
    if (result.numUpdatedRows === 0n) await this.get(id);
    return this.get(id);
  }

  /** Removes the camera. @throws NotFoundError when there is none with this id. */
  async delete(id: string): Promise<void> {
    const result = await this.#db.deleteFrom("cameras").where("id", "=", id).executeTakeFirst();
    if (result.numDeletedRows === 0n) throw new NotFoundError(`camera ${id} not found`);
  }
}
