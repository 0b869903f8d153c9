/**
 * Cameras in the database. Same behaviour on SQLite and MySQL: no `returning()` (MySQL
 * ignores it), results are read back; ids compare case-sensitively; instants and settings
 * are numbers. Stored source URLs never carry credentials; stored settings are in range.
 * Passwords are sealed on every write and opened on read (src/db/password-seal.ts).
 */
import type { Kysely, Selectable } from "kysely";
import { type CameraPatch, type CameraRecord, cameraSourceEngines, type CameraSourceEngine, type NewCamera } from "../cameras/camera.ts";
import { checkIntSetting, MAX_VIEWERS_SETTING, SNAPSHOT_INTERVAL_SETTING } from "../cameras/camera-settings.ts";
import { hasCredentials } from "../cameras/source-url.ts";
import { readWorkerTag } from "../cameras/worker-tag.ts";
import { ConflictError, NotFoundError, ValidationError } from "../errors.ts";
import { intColumn } from "./int-column.ts";
import { isSealed, type PasswordSeal, SealedPasswordError } from "./password-seal.ts";
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
  /**
   * Seals passwords on write and opens them on read (CAMSERVER_SECRET). Without it passwords
   * are written in clear and sealed ones do not open: only tests of other concerns omit it.
   */
  seal?: PasswordSeal;
}

/**
 * `strict`: a password that does not open throws; otherwise the camera reads without it
 * (listing and the answer to an update still work, so the password can be entered again).
 */
function toRecord(row: Selectable<CamerasTable>, seal: PasswordSeal | undefined, strict: boolean): CameraRecord {
  let password = row.password;
  if (password !== null) {
    try {
      password = seal ? seal.open(password, `camera ${row.id}'s password`) : password;
    } catch (err) {
      if (strict || !(err instanceof SealedPasswordError)) throw err;
      password = null;
    }
  }
  return {
    id: row.id,
    name: row.name,
    sourceUrl: row.source_url,
    username: row.username,
    password,
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
  readonly #seal: PasswordSeal | undefined;

  constructor(db: Kysely<Schema>, options: CamerasRepositoryOptions = {}) {
    this.#db = db;
    this.#now = options.now ?? Date.now;
    this.#seal = options.seal;
  }

  #sealed(password: string | null | undefined): string | null | undefined {
    return password == null || !this.#seal ? password : this.#seal.seal(password);
  }

  /**
   * Stores a new camera with `createdAt = updatedAt = now()`, absent settings at their
   * defaults, and returns it as stored.
   * @throws ConflictError when the id exists; ValidationError when `sourceUrl` has userinfo,
   *   a setting is not an integer in its range, or the source engine or worker tag is invalid.
   */
  async create(input: NewCamera): Promise<CameraRecord> {
    assertNoCredentials(input.sourceUrl);
    const snapshotIntervalS = checkIntSetting(SNAPSHOT_INTERVAL_SETTING, input.snapshotIntervalS ?? SNAPSHOT_INTERVAL_SETTING.default);
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
          password: this.#sealed(input.password),
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

  /**
   * The camera with this id, its password opened.
   * @throws NotFoundError `camera <id> not found`; SealedPasswordError naming CAMSERVER_SECRET
   *   when its password does not open (only this camera fails).
   */
  async get(id: string): Promise<CameraRecord> {
    return this.#read(id, true);
  }

  /**
   * The camera as the API shows it: like {@link get}, but a password that does not open
   * reads as null instead of failing, so the camera can still be seen and its password
   * entered again. Never use it to connect. @throws NotFoundError
   */
  async peek(id: string): Promise<CameraRecord> {
    return this.#read(id, false);
  }

  async #read(id: string, strict: boolean): Promise<CameraRecord> {
    const row = await this.#db.selectFrom("cameras").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row) throw new NotFoundError(`camera ${id} not found`);
    return toRecord(row, this.#seal, strict);
  }

  /** Every camera, oldest first (`created_at`, then `id`); one whose password does not open is listed without it. */
  async list(): Promise<CameraRecord[]> {
    const rows = await this.#db.selectFrom("cameras").selectAll().orderBy("created_at").orderBy("id").execute();
    return rows.map((row) => toRecord(row, this.#seal, false));
  }

  /**
   * Re-seals every stored password under `next` (clear-text ones too) and returns how many
   * were written; run with the repository's current seal, then switch to `next`.
   * @throws SealedPasswordError when a password does not open under the current secret
   *   (nothing is written then: every password is opened before the first write).
   */
  async reseal(next: PasswordSeal): Promise<number> {
    const rows = await this.#db.selectFrom("cameras").select(["id", "password"]).where("password", "is not", null).execute();
    const opened = rows.map((r) => ({ id: r.id, password: this.#seal ? this.#seal.open(r.password!, `camera ${r.id}'s password`) : r.password! }));
    await this.#db.transaction().execute(async (trx) => {
      for (const r of opened)
        await trx
          .updateTable("cameras")
          .set({ password: next.seal(r.password) })
          .where("id", "=", r.id)
          .execute();
    });
    return opened.length;
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
    let password = this.#sealed(patch.password);
    if (password === undefined && this.#seal) {
      // A clear-text password from before sealing is sealed on the camera's next write.
      const row = await this.#db.selectFrom("cameras").select("password").where("id", "=", id).executeTakeFirst();
      if (row?.password != null && !isSealed(row.password)) password = this.#seal.seal(row.password);
    }
    const result = await this.#db
      .updateTable("cameras")
      .set({
        name: patch.name,
        source_url: patch.sourceUrl,
        username: patch.username,
        password,
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
    if (result.numUpdatedRows === 0n) await this.#read(id, false);
    return this.#read(id, false);
  }

  /** Removes the camera. @throws NotFoundError when there is none with this id. */
  async delete(id: string): Promise<void> {
    const result = await this.#db.deleteFrom("cameras").where("id", "=", id).executeTakeFirst();
    if (result.numDeletedRows === 0n) throw new NotFoundError(`camera ${id} not found`);
  }
}
