import { afterAll, beforeAll, beforeEach, expect, it } from "bun:test";
import { AuditRepository, MAX_AUDIT_DETAIL_LENGTH } from "../../../src/db/audit-repository.ts";
import type { Database } from "../../../src/db/database.ts";
import { openDatabase } from "../../../src/db/open-database.ts";
import { ValidationError } from "../../../src/errors.ts";
import { describeEachDialect } from "./dialects.ts";

const T0 = 1_714_564_800_123;

describeEachDialect("AuditRepository", (ctx) => {
  let database: Database;
  let audit: AuditRepository;

  beforeAll(async () => {
    database = await openDatabase({ url: ctx.url, dataDir: "/nonexistent" });
    audit = new AuditRepository(database.db, { now: () => T0 });
  });
  afterAll(() => database.close());
  beforeEach(async () => {
    await database.db.deleteFrom("audit_log").execute();
  });

  it("records entries with increasing ids and lists them newest first", async () => {
    const first = await audit.record({ actor: "alice", action: "camera.create", cameraId: "cam1", detail: "name=Front" });
    const second = await audit.record({ actor: "system", action: "camera.delete", at: T0 + 7 });
    expect(first).toEqual({ id: first.id, at: T0, actor: "alice", action: "camera.create", cameraId: "cam1", detail: "name=Front" });
    expect(second.id).toBeGreaterThan(first.id);
    expect(await audit.list(10)).toEqual([
      { id: second.id, at: T0 + 7, actor: "system", action: "camera.delete", cameraId: null, detail: null },
      first,
    ]);
  });

  it("returns at most `limit` entries", async () => {
    for (let i = 0; i < 5; i++) await audit.record({ actor: "a", action: `step.${i}` });
    expect((await audit.list(2)).map((e) => e.action)).toEqual(["step.4", "step.3"]);
  });

  it("cuts a long detail to its bound instead of failing", async () => {
    const entry = await audit.record({ actor: "a", action: "b", detail: "x".repeat(70_000) });
    expect([...(entry.detail ?? "")].length).toBe(MAX_AUDIT_DETAIL_LENGTH);
    expect((await audit.list(1))[0]?.detail).toBe(entry.detail);
  });

  it("rejects an empty or over-long actor or action, and a bad limit", async () => {
    await expect(audit.record({ actor: "", action: "x" })).rejects.toBeInstanceOf(ValidationError);
    await expect(audit.record({ actor: "a", action: "y".repeat(65) })).rejects.toBeInstanceOf(ValidationError);
    for (const limit of [0, 1.5, 1001]) await expect(audit.list(limit)).rejects.toBeInstanceOf(ValidationError);
  });
});
