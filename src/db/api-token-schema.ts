/**
 * Table `api_tokens` as Kysely sees it (DDL in `migrations/0006-api-tokens.ts`). A token
 * itself is never stored: only the SHA-256 of it, so a copy of the database grants nothing.
 */
import type { Generated } from "kysely";

/** Table `api_tokens`: one row per token created with `bun run token create`. */
export interface ApiTokensTable {
  /** Auto-increment primary key; the id `bun run token revoke` takes. */
  id: Generated<number>;
  /** varchar(64) not null: who or what holds the token, e.g. `kiosk`. */
  name: string;
  /** varchar(16) not null: `admin` or `viewer`. */
  role: string;
  /** char(64) not null unique: lowercase hex SHA-256 of the token's UTF-8 bytes. */
  token_hash: string;
  /** bigint not null, epoch ms. */
  created_at: number;
  /** bigint null, epoch ms; a revoked token authenticates nothing. */
  revoked_at: number | null;
}
