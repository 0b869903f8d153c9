/**
 * The audit log: an append-only record of who did what to which camera. Details must be
 * redacted by the caller (`redactSecrets`); they are stored as given, cut to a bound.
 */
import type { Kysely } from "kysely";
import { ValidationError } from "../errors.ts";
import { intColumn } from "./int-column.ts";
import type { Schema } from "./schema.ts";

/** Longest `actor` and `action`, in characters (column size). */
export const MAX_AUDIT_NAME_LENGTH = 64;
/** Longer details are cut to this many characters, ending in `…`. */
export const MAX_AUDIT_DETAIL_LENGTH = 4000;
/** Most entries one `list` call returns. */
export const MAX_AUDIT_LIST_LIMIT = 1000;

/** One stored audit entry. */
export interface AuditEntry {
  /** Increasing with insertion order. */
  readonly id: number;
  /** When it happened, epoch milliseconds. */
  readonly at: number;
  /** Who: user, token name or `system`; at most 64 characters. */
  readonly actor: string;
  /** What, e.g. `camera.create`; at most 64 characters. */
  readonly action: string;
  readonly cameraId: string | null;
  readonly detail: string | null;
}

/** What to record; `at` defaults to the repository's clock. */
export interface NewAuditEntry {
  readonly actor: string;
  readonly action: string;
  readonly cameraId?: string | null;
  readonly detail?: string | null;
  /** Epoch milliseconds. */
  readonly at?: number;
}

/** Options of {@link AuditRepository}. */
export interface AuditRepositoryOptions {
  /**
   * Clock for entries recorded without `at`, in epoch milliseconds.
   * @defaultValue `Date.now`
   */
  now?: () => number;
}

function checkName(field: "actor" | "action", value: string): void {
  if (value.length === 0 || [...value].length > MAX_AUDIT_NAME_LENGTH) {
    throw new ValidationError(field, `must be 1-${MAX_AUDIT_NAME_LENGTH} characters`);
  }
}

function boundDetail(detail: string | null | undefined): string | null {
  if (detail == null) return null;
  const chars = [...detail];
  return chars.length <= MAX_AUDIT_DETAIL_LENGTH ? detail : `${chars.slice(0, MAX_AUDIT_DETAIL_LENGTH - 1).join("")}…`;
}

/** Appends to and reads the audit log. */
export class AuditRepository {
  readonly #db: Kysely<Schema>;
  readonly #now: () => number;

  constructor(db: Kysely<Schema>, options: AuditRepositoryOptions = {}) {
    this.#db = db;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Appends one entry and returns it with its id.
   * @throws ValidationError when `actor` or `action` is empty or longer than 64 characters.
   */
  async record(entry: NewAuditEntry): Promise<AuditEntry> {
    checkName("actor", entry.actor);
    checkName("action", entry.action);
    const row = {
      at: entry.at ?? this.#now(),
      actor: entry.actor,
      action: entry.action,
      camera_id: entry.cameraId ?? null,
      detail: boundDetail(entry.detail),
    };
    const result = await this.#db.insertInto("audit_log").values(row).executeTakeFirstOrThrow();
    const { at, actor, action, camera_id: cameraId, detail } = row;
    return { id: intColumn(result.insertId, "audit_log.id"), at, actor, action, cameraId, detail };
  }

  /**
   * The newest `limit` entries, newest first.
   * @throws ValidationError when `limit` is not an integer in 1-1000.
   */
  async list(limit = 100): Promise<AuditEntry[]> {
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_AUDIT_LIST_LIMIT) {
      throw new ValidationError("limit", `must be an integer 1-${MAX_AUDIT_LIST_LIMIT}`);
    }
    const rows = await this.#db.selectFrom("audit_log").selectAll().orderBy("id", "desc").limit(limit).execute();
    return rows.map((r) => ({
      id: intColumn(r.id, "audit_log.id"),
      at: intColumn(r.at, "audit_log.at"),
      actor: r.actor,
      action: r.action,
      cameraId: r.camera_id,
      detail: r.detail,
    }));
  }
}
