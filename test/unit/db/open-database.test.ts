import { afterAll, describe, expect, it } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { DatabaseUrlError } from "../../../src/db/errors.ts";
import { openDatabase } from "../../../src/db/open-database.ts";

const dir = mkdtempSync(join(tmpdir(), "camserver-open-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("openDatabase on SQLite", () => {
  it("creates <dataDir>/camserver.db, creating dataDir, when no url is given", async () => {
    const dataDir = join(dir, "nested", "data");
    const database = await openDatabase({ dataDir });
    try {
      expect(database.dialect).toBe("sqlite");
      expect(existsSync(join(dataDir, "camserver.db"))).toBe(true);
    } finally {
      await database.close();
    }
  });

  it("turns on foreign keys, WAL and a 5 s busy timeout", async () => {
    const database = await openDatabase({ url: join(dir, "pragmas.db"), dataDir: dir });
    try {
      const pragma = async (name: string) => Object.values((await sql.raw<Record<string, unknown>>(`PRAGMA ${name}`).execute(database.db)).rows[0] ?? {})[0];
      await expect(pragma("foreign_keys")).resolves.toBe(1);
      await expect(pragma("journal_mode")).resolves.toBe("wal");
      await expect(pragma("busy_timeout")).resolves.toBe(5000);
    } finally {
      await database.close();
    }
  });

  it("can be closed twice", async () => {
    const database = await openDatabase({ url: ":memory:", dataDir: dir });
    await database.close();
    await database.close();
  });

  it("refuses URLs of other schemes without echoing their password", async () => {
    const err = await openDatabase({ url: "postgres://u:hunter2@db/x", dataDir: dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatabaseUrlError);
    expect((err as Error).message).not.toContain("hunter2");
  });
});
