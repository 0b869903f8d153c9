import { afterAll, beforeAll, beforeEach, expect, it } from "bun:test";
import { ApiTokensRepository, hashToken } from "../../../src/db/api-tokens-repository.ts";
import type { Database } from "../../../src/db/database.ts";
import { openDatabase } from "../../../src/db/open-database.ts";
import { NotFoundError, ValidationError } from "../../../src/errors.ts";
import { describeEachDialect } from "./dialects.ts";

const T0 = 1_714_564_800_123;

describeEachDialect("ApiTokensRepository", (ctx) => {
  let database: Database;
  let tokens: ApiTokensRepository;
  let now = T0;

  beforeAll(async () => {
    database = await openDatabase({ url: ctx.url, dataDir: "/nonexistent" });
    tokens = new ApiTokensRepository(database.db, () => now);
  });
  afterAll(() => database.close());
  beforeEach(async () => {
    await database.db.deleteFrom("api_tokens").execute();
    now = T0;
  });

  it("creates a 256-bit token, stores only its SHA-256, and verifies it by role", async () => {
    const { info, token } = await tokens.create("viewer", "kiosk");
    expect(token).toMatch(/^cst_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token.slice(4), "base64url").length).toBe(32);
    expect(info).toEqual({ id: info.id, name: "kiosk", role: "viewer", createdAt: T0, revokedAt: null });
    const rows = await database.db.selectFrom("api_tokens").selectAll().execute();
    expect(rows.map((r) => r.token_hash)).toEqual([hashToken(token)]);
    expect(JSON.stringify(rows)).not.toContain(token.slice(4));
    expect(await tokens.verify(token)).toEqual(info);
    expect(await tokens.verify(`${token}x`)).toBeUndefined();
    expect(await tokens.verify("")).toBeUndefined();
  });

  it("lists tokens oldest first and revokes one for good", async () => {
    const a = await tokens.create("admin", "ops");
    const b = await tokens.create("viewer", "wall screen");
    now = T0 + 5;
    expect((await tokens.revoke(a.info.id)).revokedAt).toBe(T0 + 5);
    now = T0 + 9;
    expect((await tokens.revoke(a.info.id)).revokedAt).toBe(T0 + 5);
    expect((await tokens.list()).map((t) => [t.name, t.role, t.revokedAt])).toEqual([
      ["ops", "admin", T0 + 5],
      ["wall screen", "viewer", null],
    ]);
    expect(await tokens.verify(a.token)).toBeUndefined();
    expect((await tokens.verify(b.token))?.name).toBe("wall screen");
  });

  it("refuses an unknown role, a bad name and an unknown id", async () => {
    await expect(tokens.create("root", "x")).rejects.toBeInstanceOf(ValidationError);
    await expect(tokens.create("viewer", "")).rejects.toBeInstanceOf(ValidationError);
    await expect(tokens.create("viewer", "x".repeat(65))).rejects.toBeInstanceOf(ValidationError);
    await expect(tokens.create("viewer", "tab\tname")).rejects.toBeInstanceOf(ValidationError);
    await expect(tokens.revoke(999_999)).rejects.toBeInstanceOf(NotFoundError);
  });
});
