import { afterAll, beforeAll, beforeEach, describe, expect, it } from "bun:test";
import { sql, type Kysely } from "kysely";
import { Migrator } from "kysely/migration";
import type { CameraPatch, CameraRecord, NewCamera } from "../../../src/cameras/camera.ts";
import { publicCamera } from "../../../src/cameras/camera-input.ts";
import { CamerasRepository } from "../../../src/db/cameras-repository.ts";
import type { Database } from "../../../src/db/database.ts";
import { MigrationError } from "../../../src/db/errors.ts";
import { migrateToLatest } from "../../../src/db/migrate.ts";
import { schemaMigrations } from "../../../src/db/migrations/index.ts";
import { openDatabase } from "../../../src/db/open-database.ts";
import { ConflictError, NotFoundError, ValidationError } from "../../../src/errors.ts";
import { describeEachDialect } from "./dialects.ts";

const T0 = 1_714_564_800_123; // 2024-05-01T12:00:00.123Z: the milliseconds must survive
/** What a camera created without settings gets. */
const DEFAULT_SETTINGS = { snapshotIntervalS: 0, maxViewers: 10, sourceEngine: "auto", workerTag: null } as const;

function camera(id: string, over: Partial<NewCamera> = {}): NewCamera {
  return {
    id,
    name: `Camera ${id}`,
    sourceUrl: "rtsp://10.0.0.5:554/stream1",
    username: "admin",
    password: "s3cret",
    network: "local",
    ...over,
  };
}

describeEachDialect("CamerasRepository", (ctx) => {
  let database: Database;
  let clock = T0;
  let repo: CamerasRepository;

  beforeAll(async () => {
    database = await openDatabase({ url: ctx.url, dataDir: "/nonexistent" });
    repo = new CamerasRepository(database.db, { now: () => clock });
  });
  afterAll(() => database.close());
  beforeEach(async () => {
    clock = T0;
    await database.db.deleteFrom("cameras").execute();
  });

  it("reports the dialect it opened", () => {
    expect(database.dialect).toBe(ctx.dialect);
  });

  it("creates a camera and reads back exactly what was stored", async () => {
    const created = await repo.create(camera("front-door", { network: "vpn" }));
    const expected: CameraRecord = {
      id: "front-door",
      name: "Camera front-door",
      sourceUrl: "rtsp://10.0.0.5:554/stream1",
      username: "admin",
      password: "s3cret",
      network: "vpn",
      snapshotIntervalS: 0,
      maxViewers: 10,
      sourceEngine: "auto",
      workerTag: null,
      createdAt: T0,
      updatedAt: T0,
    };
    expect(created).toEqual(expected);
    expect(await repo.get("front-door")).toEqual(expected);
  });

  it("stores cameras without credentials as nulls", async () => {
    const created = await repo.create(camera("demo", { sourceUrl: "/srv/demo/clip.mp4", username: null, password: null }));
    expect(created.username).toBeNull();
    expect(created.password).toBeNull();
  });

  it("keeps epoch milliseconds as numbers through a round trip", async () => {
    for (const [id, at] of [
      ["a", T0],
      ["b", 4_102_444_800_999],
      ["c", 1],
    ] as const) {
      clock = at;
      await repo.create(camera(id));
      const got = await repo.get(id);
      expect(typeof got.createdAt).toBe("number");
      expect(got.createdAt).toBe(at);
      expect(got.updatedAt).toBe(at);
    }
  });

  it("lists cameras by creation time, then by id", async () => {
    clock = T0 + 5;
    await repo.create(camera("late"));
    clock = T0;
    await repo.create(camera("b-early"));
    await repo.create(camera("a-early"));
    expect((await repo.list()).map((c) => c.id)).toEqual(["a-early", "b-early", "late"]);
  });

  it("lists nothing when there are no cameras", async () => {
    expect(await repo.list()).toEqual([]);
  });

  it("throws ConflictError for an existing id and keeps the original", async () => {
    await repo.create(camera("dup"));
    const second = repo.create(camera("dup", { name: "Other" }));
    await expect(second).rejects.toBeInstanceOf(ConflictError);
    await expect(second).rejects.toThrow("camera dup already exists");
    expect((await repo.get("dup")).name).toBe("Camera dup");
  });

  it("treats ids that differ only in case as different cameras", async () => {
    await repo.create(camera("Cam1"));
    await repo.create(camera("cam1", { name: "lower" }));
    expect((await repo.get("cam1")).name).toBe("lower");
    expect((await repo.get("Cam1")).name).toBe("Camera Cam1");
    await expect(repo.get("CAM1")).rejects.toBeInstanceOf(NotFoundError);
  });

  it("throws NotFoundError naming the id from get, update and delete", async () => {
    const attempts = [() => repo.get("nope"), () => repo.update("nope", { name: "x" }), () => repo.delete("nope")];
    for (const attempt of attempts) {
      const err = await attempt().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(NotFoundError);
      expect((err as Error).message).toBe("camera nope not found");
    }
  });

  it("updates only the given fields and bumps updatedAt", async () => {
    await repo.create(camera("cam"));
    clock = T0 + 1_001;
    const updated = await repo.update("cam", { name: "Renamed", network: "vpn" });
    expect(updated).toEqual({
      ...camera("cam"),
      ...DEFAULT_SETTINGS,
      name: "Renamed",
      network: "vpn",
      createdAt: T0,
      updatedAt: T0 + 1_001,
    });
    expect(await repo.get("cam")).toEqual(updated);
  });

  it("clears credentials given as null and leaves absent ones alone", async () => {
    await repo.create(camera("cam"));
    const updated = await repo.update("cam", { password: null, sourceUrl: "rtsps://cam.example:322/main" });
    expect(updated.username).toBe("admin");
    expect(updated.password).toBeNull();
    expect(updated.sourceUrl).toBe("rtsps://cam.example:322/main");
  });

  it("accepts an update that changes nothing but the clock, even in the same millisecond", async () => {
    await repo.create(camera("cam"));
    expect(await repo.update("cam", {})).toEqual({ ...camera("cam"), ...DEFAULT_SETTINGS, createdAt: T0, updatedAt: T0 });
  });

  it("stores settings at their bounds and reads them back as numbers", async () => {
    const cases = [
      ["low", 0, 1],
      ["high", 86_400, 1000],
      ["mid", 30, 4],
    ] as const;
    for (const [id, snapshotIntervalS, maxViewers] of cases) {
      const created = await repo.create(camera(id, { snapshotIntervalS, maxViewers }));
      expect(created).toMatchObject({ snapshotIntervalS, maxViewers });
      const got = await repo.get(id);
      expect(got).toEqual(created);
      expect(typeof got.snapshotIntervalS).toBe("number");
      expect(typeof got.maxViewers).toBe("number");
    }
    expect((await repo.list()).map((c) => [c.snapshotIntervalS, c.maxViewers])).toEqual([
      [86_400, 1000],
      [0, 1],
      [30, 4],
    ]);
  });

  it("updates each setting alone and keeps both when a patch leaves them out", async () => {
    await repo.create(camera("cam", { snapshotIntervalS: 60, maxViewers: 3 }));
    expect(await repo.update("cam", { maxViewers: 1000 })).toMatchObject({ snapshotIntervalS: 60, maxViewers: 1000 });
    expect(await repo.update("cam", { snapshotIntervalS: 0 })).toMatchObject({ snapshotIntervalS: 0, maxViewers: 1000 });
    expect(await repo.update("cam", { name: "Renamed" })).toMatchObject({ snapshotIntervalS: 0, maxViewers: 1000 });
    expect(await repo.get("cam")).toMatchObject({ name: "Renamed", snapshotIntervalS: 0, maxViewers: 1000 });
  });

  it("refuses settings that are not integers in range, on create and update, and stores nothing", async () => {
    const bad: [change: CameraPatch, field: string][] = [
      [{ snapshotIntervalS: -1 }, "snapshot_interval_s"],
      [{ snapshotIntervalS: 86_401 }, "snapshot_interval_s"],
      [{ snapshotIntervalS: 1.5 }, "snapshot_interval_s"],
      [{ snapshotIntervalS: Number.NaN }, "snapshot_interval_s"],
      [{ maxViewers: 0 }, "max_viewers"],
      [{ maxViewers: 1001 }, "max_viewers"],
      [{ maxViewers: 2.5 }, "max_viewers"],
    ];
    await repo.create(camera("kept", { snapshotIntervalS: 5, maxViewers: 2 }));
    clock = T0 + 1;
    for (const [change, field] of bad) {
      for (const attempt of [() => repo.create(camera("new", change)), () => repo.update("kept", change)]) {
        const err = await attempt().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(ValidationError);
        expect((err as ValidationError).field).toBe(field);
      }
    }
    expect((await repo.list()).map((c) => c.id)).toEqual(["kept"]);
    expect(await repo.get("kept")).toMatchObject({ snapshotIntervalS: 5, maxViewers: 2, updatedAt: T0 });
  });

  it("stores the source engine and the worker tag, clears the tag with null, refuses bad values", async () => {
    const rec = await repo.create(camera("board", { sourceUrl: "shm://cam0", sourceEngine: "native", workerTag: "host:cam-board-1" }));
    expect(rec).toMatchObject({ sourceEngine: "native", workerTag: "host:cam-board-1" });
    expect(publicCamera(rec)).toMatchObject({ source_engine: "native", worker_tag: "host:cam-board-1" });
    expect(await repo.update("board", { sourceEngine: "ffmpeg" })).toMatchObject({ sourceEngine: "ffmpeg", workerTag: "host:cam-board-1" });
    expect(await repo.update("board", { workerTag: null })).toMatchObject({ sourceEngine: "ffmpeg", workerTag: null });
    const bad: [change: CameraPatch, field: string][] = [
      [{ sourceEngine: "gst" as never }, "source_engine"],
      [{ workerTag: "has space" }, "worker_tag"],
      [{ workerTag: "" }, "worker_tag"],
    ];
    for (const [change, field] of bad) {
      for (const attempt of [() => repo.create(camera("new", change)), () => repo.update("board", change)]) {
        const err = await attempt().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(ValidationError);
        expect((err as ValidationError).field).toBe(field);
      }
    }
    expect(await repo.get("board")).toMatchObject({ sourceEngine: "ffmpeg", workerTag: null });
  });

  it("deletes a camera", async () => {
    await repo.create(camera("gone"));
    await repo.delete("gone");
    await expect(repo.get("gone")).rejects.toBeInstanceOf(NotFoundError);
    expect(await repo.list()).toEqual([]);
  });

  it("refuses a source URL that carries credentials", async () => {
    await expect(repo.create(camera("x", { sourceUrl: "rtsp://admin:pw@10.0.0.5/s" }))).rejects.toBeInstanceOf(ValidationError);
    await repo.create(camera("y"));
    await expect(repo.update("y", { sourceUrl: "rtsp://admin:pw@10.0.0.5/s" })).rejects.toBeInstanceOf(ValidationError);
  });

  it("stores the password but publicCamera never shows it", async () => {
    const rec = await repo.create(camera("cam", { password: "hunter2-very-secret" }));
    expect((await repo.get("cam")).password).toBe("hunter2-very-secret");
    const shown = publicCamera(rec);
    expect(shown.has_password).toBe(true);
    expect(shown.created_at).toBe("2024-05-01T12:00:00.123Z");
    expect(shown).toMatchObject({ snapshot_interval_s: 0, max_viewers: 10 });
    expect(JSON.stringify(shown)).not.toContain("hunter2");
    expect(Object.keys(shown)).not.toContain("password");
  });

  it("stores names and passwords outside ASCII unchanged", async () => {
    const rec = await repo.create(camera("utf", { name: "Caméra 入口 📷", password: "pä$s:w@rd" }));
    expect(await repo.get("utf")).toEqual(rec);
    expect(rec.name).toBe("Caméra 入口 📷");
  });

  it("does not migrate again on reopen and keeps the data", async () => {
    await repo.create(camera("kept"));
    const again = await openDatabase({ url: ctx.url, dataDir: "/nonexistent" });
    try {
      expect(await migrateToLatest(again.db, schemaMigrations(ctx.dialect))).toEqual([]);
      const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(again.db);
      expect(applied.rows.map((r) => r.name)).toEqual(Object.keys(schemaMigrations(ctx.dialect)));
      expect((await new CamerasRepository(again.db).get("kept")).createdAt).toBe(T0);
    } finally {
      await again.close();
    }
  });

  it("gives cameras stored before 0003 and 0004 the default settings; both migrate down and up", async () => {
    const migrations = schemaMigrations(ctx.dialect);
    try {
      const migrator = new Migrator({ db: database.db, provider: { getMigrations: async () => migrations } });
      const down = await migrator.migrateTo("0002_audit_log");
      expect(down.error).toBeUndefined();
      // Later migrations go down first; these two are the ones that matter here.
      expect(down.results?.map((r) => `${r.direction} ${r.migrationName} ${r.status}`).slice(-2)).toEqual([
        "Down 0004_max_viewers Success",
        "Down 0003_snapshot_interval Success",
      ]);
      await sql`insert into cameras (id, name, source_url, network, created_at, updated_at)
        values (${"old"}, ${"Old"}, ${"rtsp://h/s"}, ${"vpn"}, ${T0}, ${T0})`.execute(database.db);
      expect((await migrateToLatest(database.db, migrations)).slice(0, 2)).toEqual(["0003_snapshot_interval", "0004_max_viewers"]);
      const expected: CameraRecord = {
        id: "old",
        name: "Old",
        sourceUrl: "rtsp://h/s",
        username: null,
        password: null,
        network: "vpn",
        snapshotIntervalS: 0,
        maxViewers: 10,
        sourceEngine: "auto",
        workerTag: null,
        createdAt: T0,
        updatedAt: T0,
      };
      expect(await repo.get("old")).toEqual(expected);
    } finally {
      await migrateToLatest(database.db, migrations); // leave the schema current for later tests
    }
  });

  it("throws a MigrationError that names the failing migration", async () => {
    const broken = {
      ...schemaMigrations(ctx.dialect),
      "9999_broken": { up: async (db: Kysely<any>) => void (await sql`select * from no_such_table`.execute(db)) },
    };
    const run = migrateToLatest(database.db, broken);
    await expect(run).rejects.toBeInstanceOf(MigrationError);
    await expect(run).rejects.toThrow('migration "9999_broken" failed');
    expect(((await run.catch((e: unknown) => e)) as MigrationError).migrationName).toBe("9999_broken");
  });
});

describe("openDatabase with an unreachable MySQL", () => {
  it("throws a MigrationError without the password and leaves nothing open", async () => {
    const run = openDatabase({ url: "mysql://root:topsecret@127.0.0.1:1/db", dataDir: "/nonexistent" });
    const err = await run.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationError);
    expect(String((err as Error).message)).not.toContain("topsecret");
  });
});
