import { afterAll, beforeAll, beforeEach, expect, it } from "bun:test";
import { CamerasRepository } from "../../../src/db/cameras-repository.ts";
import type { Database } from "../../../src/db/database.ts";
import { EventSettingsRepository } from "../../../src/db/event-settings-repository.ts";
import { EventsRepository } from "../../../src/db/events-repository.ts";
import { openDatabase } from "../../../src/db/open-database.ts";
import type { NewEvent } from "../../../src/events/event.ts";
import { describeEachDialect } from "./dialects.ts";

const T0 = 1_714_564_800_123;
const ev = (o: Partial<NewEvent> = {}): NewEvent => ({ cameraId: "cam_a", kind: "person", label: null, score: null, at: T0, source: "detector-1", ...o });

describeEachDialect("EventsRepository", (ctx) => {
  let database: Database;
  let events: EventsRepository;
  let settings: EventSettingsRepository;
  let now = T0;

  beforeAll(async () => {
    database = await openDatabase({ url: ctx.url, dataDir: "/nonexistent" });
    events = new EventsRepository(database.db, () => now);
    settings = new EventSettingsRepository(database.db);
    await new CamerasRepository(database.db).create({
      id: "cam_a",
      name: "A",
      sourceUrl: "rtsp://10.0.0.5/s",
      username: null,
      password: null,
      network: "local",
    });
  });
  afterAll(() => database.close());
  beforeEach(async () => {
    await database.db.deleteFrom("events").execute();
    now = T0;
  });

  it("stores an event with its millisecond instants, a label with non-ASCII text and a fractional score", async () => {
    now = T0 + 250;
    const stored = await events.add(ev({ label: "Haustür – vorne", score: 0.873 }));
    expect(stored).toEqual({
      id: stored.id,
      cameraId: "cam_a",
      kind: "person",
      label: "Haustür – vorne",
      score: 0.873,
      at: T0,
      receivedAt: T0 + 250,
      source: "detector-1",
    });
    expect(await events.list({ limit: 10 })).toEqual([stored]);
  });

  it("lists newest first, filtered by camera and by [since, until), at most limit", async () => {
    const a = await events.add(ev({ at: T0 }));
    const b = await events.add(ev({ at: T0 + 2000, cameraId: "cam_b" }));
    const c = await events.add(ev({ at: T0 + 1000 }));
    expect((await events.list({ limit: 10 })).map((e) => e.id)).toEqual([b.id, c.id, a.id]);
    expect((await events.list({ cameraId: "cam_a", limit: 10 })).map((e) => e.id)).toEqual([c.id, a.id]);
    expect((await events.list({ since: T0 + 1000, limit: 10 })).map((e) => e.id)).toEqual([b.id, c.id]);
    expect((await events.list({ until: T0 + 1000, limit: 10 })).map((e) => e.id)).toEqual([a.id]);
    expect((await events.list({ limit: 1 })).map((e) => e.id)).toEqual([b.id]);
    expect((await events.list({ afterId: a.id, limit: 10 })).map((e) => e.id)).toEqual([b.id, c.id]);
  });

  it("reads events after an id in id order, the newest ones when more than the limit were missed", async () => {
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push((await events.add(ev({ at: T0 - i }))).id);
    expect((await events.after(ids[1]!, 10)).map((e) => e.id)).toEqual(ids.slice(2));
    expect((await events.after(0, 2)).map((e) => e.id)).toEqual(ids.slice(3));
    expect((await events.latest(3)).map((e) => e.id)).toEqual(ids.slice(2));
    expect(await events.after(ids[4]!, 10)).toEqual([]);
    expect(await events.lastId()).toBe(ids[4]!);
  });

  it("answers last id 0 when there is no event", async () => {
    expect(await events.lastId()).toBe(0);
  });

  it("keeps per-camera event settings, defaults for a camera without a row, deleted with the camera", async () => {
    expect(await settings.get("cam_a")).toEqual({ cameraId: "cam_a", recordS: 0, updatedAt: 0 });
    await settings.put({ cameraId: "cam_a", recordS: 30, updatedAt: T0 });
    await settings.put({ cameraId: "cam_a", recordS: 45, updatedAt: T0 + 1 });
    expect(await settings.get("cam_a")).toEqual({ cameraId: "cam_a", recordS: 45, updatedAt: T0 + 1 });
    await expect(settings.put({ cameraId: "nope", recordS: 5, updatedAt: T0 })).rejects.toThrow();
    await new CamerasRepository(database.db).create({
      id: "cam_gone",
      name: "G",
      sourceUrl: "rtsp://10.0.0.6/s",
      username: null,
      password: null,
      network: "local",
    });
    await settings.put({ cameraId: "cam_gone", recordS: 10, updatedAt: T0 });
    await new CamerasRepository(database.db).delete("cam_gone");
    expect(await database.db.selectFrom("camera_event_settings").selectAll().where("camera_id", "=", "cam_gone").execute()).toEqual([]);
  });
});
