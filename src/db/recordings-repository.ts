/**
 * Recordings and their parts in the database, the same on SQLite and MySQL: no
 * `returning()`, instants as epoch-ms numbers, totals grown with `col = col + n` so that
 * concurrent writers never lose an increment. Segments are in `recording-segments-repository.ts`.
 */
import type { Kysely, Selectable } from "kysely";
import { NotFoundError } from "../errors.ts";
import type { RecordingFormat, RecordingPart, RecordingRecord, RecordingState, RecordingTrigger } from "../recordings/recording.ts";
import { intColumn } from "./int-column.ts";
import type { RecordingPartsTable, RecordingsTable } from "./recording-schema.ts";
import type { Schema } from "./schema.ts";

/** Longest stored error message, characters (column size). */
export const MAX_RECORDING_ERROR_LENGTH = 1000;

/** What is needed to store a new recording (state `recording`, no parts yet). */
export interface NewRecording {
  readonly id: string;
  readonly cameraId: string;
  readonly path: string;
  readonly format: RecordingFormat;
  readonly trigger: RecordingTrigger;
  readonly startedAt: number;
  readonly stopAt?: number | null;
  readonly maxDurationS?: number | null;
  readonly segmentS: number;
}

/** Filters of {@link RecordingsRepository.list}; instants in epoch ms. */
export interface RecordingListQuery {
  readonly cameraId?: string;
  /** Recordings that ended at or after this (or still run). */
  readonly from?: number;
  /** Recordings that started at or before this. */
  readonly to?: number;
  readonly state?: RecordingState;
  readonly trigger?: RecordingTrigger;
  /** @defaultValue 1000 */
  readonly limit?: number;
}

/** Growth of a recording's or a part's totals. */
export interface RecordingTotals {
  readonly bytes: number;
  readonly frames: number;
  readonly durationMs: number;
}

const num = (v: unknown, c: string) => intColumn(v, c);
const nullableNum = (v: unknown, c: string) => (v === null || v === undefined ? null : intColumn(v, c));
const clip = (e: string | null | undefined) => (e == null ? null : [...e].slice(0, MAX_RECORDING_ERROR_LENGTH).join(""));

function toRecording(r: Selectable<RecordingsTable>): RecordingRecord {
  return {
    id: r.id,
    cameraId: r.camera_id,
    path: r.path,
    format: r.format,
    trigger: r.trigger,
    startedAt: num(r.started_at, "recordings.started_at"),
    endedAt: nullableNum(r.ended_at, "recordings.ended_at"),
    stopAt: nullableNum(r.stop_at, "recordings.stop_at"),
    maxDurationS: nullableNum(r.max_duration_s, "recordings.max_duration_s"),
    segmentS: num(r.segment_s, "recordings.segment_s"),
    bytes: num(r.bytes, "recordings.bytes"),
    frames: num(r.frames, "recordings.frames"),
    durationMs: num(r.duration_ms, "recordings.duration_ms"),
    parts: num(r.parts, "recordings.parts"),
    state: r.state,
    error: r.error,
  };
}

function toPart(r: Selectable<RecordingPartsTable>): RecordingPart {
  return {
    recordingId: r.recording_id,
    part: num(r.part, "recording_parts.part"),
    state: r.state,
    worker: r.worker,
    startedAt: num(r.started_at, "recording_parts.started_at"),
    endedAt: nullableNum(r.ended_at, "recording_parts.ended_at"),
    bytes: num(r.bytes, "recording_parts.bytes"),
    frames: num(r.frames, "recording_parts.frames"),
    durationMs: num(r.duration_ms, "recording_parts.duration_ms"),
    error: r.error,
  };
}

/** Stores recordings and their parts. */
export class RecordingsRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  /** Stores a new recording in state `recording` and returns it. */
  async create(n: NewRecording): Promise<RecordingRecord> {
    await this.db
      .insertInto("recordings")
      .values({
        id: n.id,
        camera_id: n.cameraId,
        path: n.path,
        format: n.format,
        trigger: n.trigger,
        started_at: n.startedAt,
        ended_at: null,
        stop_at: n.stopAt ?? null,
        max_duration_s: n.maxDurationS ?? null,
        segment_s: n.segmentS,
        bytes: 0,
        frames: 0,
        duration_ms: 0,
        parts: 0,
        state: "recording",
        error: null,
      })
      .execute();
    return this.get(n.id);
  }

  /** @throws NotFoundError `recording <id> not found` */
  async get(id: string): Promise<RecordingRecord> {
    const row = await this.db.selectFrom("recordings").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row) throw new NotFoundError(`recording ${id} not found`);
    return toRecording(row);
  }

  /** Recordings matching `q`, newest first. */
  async list(q: RecordingListQuery = {}): Promise<RecordingRecord[]> {
    let s = this.db.selectFrom("recordings").selectAll();
    if (q.cameraId !== undefined) s = s.where("camera_id", "=", q.cameraId);
    if (q.state !== undefined) s = s.where("state", "=", q.state);
    if (q.trigger !== undefined) s = s.where("trigger", "=", q.trigger);
    if (q.to !== undefined) s = s.where("started_at", "<=", q.to);
    if (q.from !== undefined) {
      const from = q.from;
      s = s.where((eb) => eb.or([eb("ended_at", "is", null), eb("ended_at", ">=", from)]));
    }
    const rows = await s
      .orderBy("started_at", "desc")
      .orderBy("id", "desc")
      .limit(q.limit ?? 1000)
      .execute();
    return rows.map(toRecording);
  }

  /**
   * Sets the state (and `ended_at`, `error` when given) if the current state is one of `from`.
   * @returns whether the row changed
   */
  async setState(
    id: string,
    state: RecordingState,
    o: { from?: readonly RecordingState[]; endedAt?: number | null; error?: string | null } = {},
  ): Promise<boolean> {
    let u = this.db
      .updateTable("recordings")
      .set({ state, ...(o.endedAt !== undefined ? { ended_at: o.endedAt } : {}), ...(o.error !== undefined ? { error: clip(o.error) } : {}) })
      .where("id", "=", id);
    if (o.from) u = u.where("state", "in", [...o.from]);
    const r = await u.executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }

  /** Sets the wall-clock end of a running recording (schedules extend it). */
  async setStopAt(id: string, stopAt: number | null): Promise<void> {
    await this.db.updateTable("recordings").set({ stop_at: stopAt }).where("id", "=", id).execute();
  }

  /**
   * Begins the next part: open parts (a recorder that died) become `interrupted`, the new
   * part is `recording`, and so is the recording again. One transaction.
   * @returns the new part's number and the parts found interrupted
   * @throws NotFoundError when the recording is gone
   */
  async beginPart(id: string, worker: string, now: number): Promise<{ part: number; interrupted: RecordingPart[] }> {
    return this.db.transaction().execute(async (trx) => {
      const rec = await trx.selectFrom("recordings").select(["parts"]).where("id", "=", id).executeTakeFirst();
      if (!rec) throw new NotFoundError(`recording ${id} not found`);
      const open = (await trx.selectFrom("recording_parts").selectAll().where("recording_id", "=", id).where("state", "=", "recording").execute()).map(toPart);
      if (open.length > 0) {
        await trx
          .updateTable("recording_parts")
          .set({ state: "interrupted", ended_at: now })
          .where("recording_id", "=", id)
          .where("state", "=", "recording")
          .execute();
      }
      const part = num(rec.parts, "recordings.parts") + 1;
      await trx
        .insertInto("recording_parts")
        .values({ recording_id: id, part, state: "recording", worker, started_at: now, ended_at: null, bytes: 0, frames: 0, duration_ms: 0, error: null })
        .execute();
      await trx.updateTable("recordings").set({ parts: part, state: "recording", ended_at: null, error: null }).where("id", "=", id).execute();
      return { part, interrupted: open.map((p) => ({ ...p, state: "interrupted" as const, endedAt: now })) };
    });
  }

  /** The parts of a recording, in order. */
  async parts(id: string): Promise<RecordingPart[]> {
    return (await this.db.selectFrom("recording_parts").selectAll().where("recording_id", "=", id).orderBy("part").execute()).map(toPart);
  }

  /** Ends a part if it is still `recording`. @returns whether it changed */
  async endPart(id: string, part: number, state: RecordingState, endedAt: number, error: string | null = null): Promise<boolean> {
    const r = await this.db
      .updateTable("recording_parts")
      .set({ state, ended_at: endedAt, error: clip(error) })
      .where("recording_id", "=", id)
      .where("part", "=", part)
      .where("state", "=", "recording")
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }

  /** Marks every open part of a recording `interrupted` (its recorder is gone). */
  async interruptOpenParts(id: string, endedAt: number): Promise<void> {
    await this.db
      .updateTable("recording_parts")
      .set({ state: "interrupted", ended_at: endedAt })
      .where("recording_id", "=", id)
      .where("state", "=", "recording")
      .execute();
  }

  /** Whether any part of the recording is still `recording`. */
  async hasOpenPart(id: string): Promise<boolean> {
    const row = await this.db.selectFrom("recording_parts").select("part").where("recording_id", "=", id).where("state", "=", "recording").executeTakeFirst();
    return row !== undefined;
  }

  /** Deletes a recording with its parts and segment rows (files are the caller's). @throws NotFoundError */
  async delete(id: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom("recording_segments").where("recording_id", "=", id).execute();
      await trx.deleteFrom("recording_parts").where("recording_id", "=", id).execute();
      const r = await trx.deleteFrom("recordings").where("id", "=", id).executeTakeFirst();
      if (r.numDeletedRows === 0n) throw new NotFoundError(`recording ${id} not found`);
    });
  }
}
