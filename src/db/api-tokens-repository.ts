/**
 * API tokens with roles, in the database. A token is 256 random bits (base64url, prefixed
 * `cst_`); only its SHA-256 is stored, so the plain token is shown once, at creation, and
 * a lookup hashes what a client sends and finds the row by that hash (unique index).
 */
import type { Kysely, Selectable } from "kysely";
import { createHash, randomBytes } from "node:crypto";
import { NotFoundError, ValidationError } from "../errors.ts";
import type { ApiTokensTable } from "./api-token-schema.ts";
import { intColumn } from "./int-column.ts";
import type { Schema } from "./schema.ts";

/** What a token may do: `admin` everything; `viewer` watch and list (see src/api/auth.ts). */
export type TokenRole = "admin" | "viewer";

/** Every role, for validation and help texts. */
export const TOKEN_ROLES: readonly TokenRole[] = ["admin", "viewer"];

/** Longest token name, in characters (column size). */
export const MAX_TOKEN_NAME_LENGTH = 64;

/** A stored token as listed (never the token itself). */
export interface ApiTokenInfo {
  readonly id: number;
  readonly name: string;
  readonly role: TokenRole;
  /** Epoch ms. */
  readonly createdAt: number;
  /** Epoch ms, or null while the token is valid. */
  readonly revokedAt: number | null;
}

/** The lowercase hex SHA-256 of a token's UTF-8 bytes, as stored in `token_hash`. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

function toInfo(row: Selectable<ApiTokensTable>): ApiTokenInfo {
  return {
    id: intColumn(row.id, "api_tokens.id"),
    name: row.name,
    role: row.role as TokenRole,
    createdAt: intColumn(row.created_at, "api_tokens.created_at"),
    revokedAt: row.revoked_at === null ? null : intColumn(row.revoked_at, "api_tokens.revoked_at"),
  };
}

/** Creates, lists, revokes and verifies API tokens. */
export class ApiTokensRepository {
  readonly #db: Kysely<Schema>;
  readonly #now: () => number;

  /** @param now clock in epoch ms (@defaultValue `Date.now`) */
  constructor(db: Kysely<Schema>, now: () => number = Date.now) {
    this.#db = db;
    this.#now = now;
  }

  /**
   * Creates a token. @returns its row and the plain token (shown once, never stored)
   * @throws ValidationError when `role` is not a role or `name` is not 1-64 printable characters
   */
  async create(role: string, name: string): Promise<{ info: ApiTokenInfo; token: string }> {
    if (!TOKEN_ROLES.includes(role as TokenRole)) throw new ValidationError("role", `must be one of ${TOKEN_ROLES.join(", ")}`);
    if (!/^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/.test(name) || name.length > MAX_TOKEN_NAME_LENGTH) {
      throw new ValidationError("name", `must be 1-${MAX_TOKEN_NAME_LENGTH} printable ASCII characters`);
    }
    const token = `cst_${randomBytes(32).toString("base64url")}`;
    const row = { name, role, token_hash: hashToken(token), created_at: this.#now(), revoked_at: null };
    const result = await this.#db.insertInto("api_tokens").values(row).executeTakeFirstOrThrow();
    return { info: toInfo({ ...row, id: intColumn(result.insertId, "api_tokens.id") }), token };
  }

  /** Every token, oldest first, revoked ones included. */
  async list(): Promise<ApiTokenInfo[]> {
    return (await this.#db.selectFrom("api_tokens").selectAll().orderBy("id").execute()).map(toInfo);
  }

  /**
   * Revokes a token (idempotent: a revoked token stays revoked at its first time).
   * @throws NotFoundError when no token has this id
   */
  async revoke(id: number): Promise<ApiTokenInfo> {
    await this.#db.updateTable("api_tokens").set({ revoked_at: this.#now() }).where("id", "=", id).where("revoked_at", "is", null).execute();
    const row = await this.#db.selectFrom("api_tokens").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row) throw new NotFoundError(`token ${id} not found`);
    return toInfo(row);
  }

  /** The valid (not revoked) token whose hash matches `token`, or undefined. */
  async verify(token: string): Promise<ApiTokenInfo | undefined> {
    const row = await this.#db
      .selectFrom("api_tokens")
      .selectAll()
      .where("token_hash", "=", hashToken(token))
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    return row ? toInfo(row) : undefined;
  }
}
