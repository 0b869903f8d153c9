/**
 * Detection events in the database (`events`): stored once, listed newest first by camera
 * and time, and read in id order after a console's last seen id (its resume point).
 */
import type { Kysely, Selectable } from "kysely";
import type { EventRecord, NewEvent } from "../events/event.ts";
import type { EventQuery } from "../events/event-input.ts";
import { intColumn } from "./int-column.ts";
import type { EventsTable } from "./event-schema.ts";
import type { Schema } from "./schema.ts";

function toRecord(row: Selectable<EventsTable>): EventRecord {
  return {
    id: intColumn(row.id, "events.id"),
    cameraId: row.camera_id,
    kind: row.kind,
    label: row.label,
    score: row.score === null ? null : Number(row.score),
    at: intColumn(row.at, "events.at"),
    receivedAt: intColumn(row.received_at, "events.received_at"),
    source: row.source,
  };
}

/** Stores and lists events. Inputs are expected to be parsed already (`event-input.ts`). */
export class EventsRepository {
  readonly #db: Kysely<Schema>;
  readonly #now: () => number;

  /** @param now clock in epoch ms for `receivedAt` (@defaultValue `Date.now`) */
  constructor(db: Kysely<Schema>, now: () => number = Date.now) {
    this.#db = db;
    this.#now = now;
  }

  /** Stores an event and returns it as stored (`insertId`: MySQL ignores `returning()`). */
  async add(e: NewEvent): Promise<EventRecord> {
    const row = { camera_id: e.cameraId, kind: e.kind, label: e.label, score: e.score, at: e.at, received_at: this.#now(), source: e.source };
    const result = await this.#db.insertInto("events").values(row).executeTakeFirstOrThrow();
    return toRecord({ ...row, id: intColumn(result.insertId, "events.id") });
  }

  /** Events matching `q`, newest first (by `at`, then id). */
  async list(q: EventQuery): Promise<EventRecord[]> {
    let query = this.#db.selectFrom("events").selectAll();
    if (q.cameraId !== undefined) query = query.where("camera_id", "=", q.cameraId);
    if (q.since !== undefined) query = query.where("at", ">=", q.since);
    if (q.until !== undefined) query = query.where("at", "<", q.until);
    if (q.afterId !== undefined) query = query.where("id", ">", q.afterId);
    const rows = await query.orderBy("at", "desc").orderBy("id", "desc").limit(q.limit).execute();
    return rows.map(toRecord);
  }

  /**
   * Events stored after id `afterId`, in id order; when more than `limit` are there, the
   * newest `limit` of them (a console that was away long gets the recent ones).
   */
  async after(afterId: number, limit: number): Promise<EventRecord[]> {
    const rows = await this.#db.selectFrom("events").selectAll().where("id", ">", afterId).orderBy("id", "desc").limit(limit).execute();
    return rows.map(toRecord).reverse();
  }

  /** The newest `limit` events in id order (a console's first connection). */
  async latest(limit: number): Promise<EventRecord[]> {
    return this.after(0, limit);
  }

  /** The highest id stored, 0 when there is none. */
  async lastId(): Promise<number> {
    const row = await this.#db
      .selectFrom("events")
      .select((eb) => eb.fn.max("id").as("max"))
      .executeTakeFirst();
    return row?.max == null ? 0 : intColumn(row.max, "max(events.id)");
  }
}
