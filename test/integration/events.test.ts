/**
 * Events end to end in one process, on the real Redis and a real SQLite database: the
 * request guard with roles, `POST`/`GET /v1/events`, event settings and recording on event,
 * and the console's WebSocket (`/v1/events/ws`): auth by first message, replay flagged as
 * history, new events pushed live, resume after a reconnect, fan-out between two API
 * processes' hubs through Redis pub/sub.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { Elysia } from "elysia";
import Redis from "ioredis";
import { rmSync } from "node:fs";
import { Authenticator } from "../../src/api/auth.ts";
import { consoleListeners, eventMessagesTotal } from "../../src/api/console-metrics.ts";
import { errorResponse } from "../../src/api/error-status.ts";
import { EventHub, eventsChannel } from "../../src/api/event-hub.ts";
import { EventRecorder } from "../../src/api/event-recorder.ts";
import { requestGuard } from "../../src/api/request-guard.ts";
import { eventSocketRoutes } from "../../src/api/routes/event-socket.ts";
import { eventRoutes } from "../../src/api/routes/events.ts";
import { meRoutes } from "../../src/api/routes/me.ts";
import { ApiTokensRepository } from "../../src/db/api-tokens-repository.ts";
import { CamerasRepository } from "../../src/db/cameras-repository.ts";
import type { Database } from "../../src/db/database.ts";
import { EventSettingsRepository } from "../../src/db/event-settings-repository.ts";
import { EventsRepository } from "../../src/db/events-repository.ts";
import { openDatabase } from "../../src/db/open-database.ts";
import type { PublicEvent } from "../../src/events/event.ts";
import { CLOSE, type ServerMessage } from "../../src/events/socket-protocol.ts";
import { createLogger } from "../../src/log.ts";
import { eventually, tempDir, testPrefix, TEST_REDIS_URL } from "../support/camserver.ts";

const ADMIN = "admin-token-0123456789";
const log = createLogger("silent");

let dir = "";
let database: Database;
let redis: Redis;
let viewerToken = "";
const prefix = testPrefix("events");
const recordCalls: { cameraId: string; maxDurationS: number | null | undefined }[] = [];

interface Api {
  base: string;
  hub: EventHub;
  stop(): Promise<void>;
}
const apis: Api[] = [];

/** One API process's worth: the guard, the event routes and a hub of its own. */
async function startApi(): Promise<Api> {
  const tokens = new ApiTokensRepository(database.db);
  const auth = new Authenticator(ADMIN, tokens);
  const hub = new EventHub(redis, () => redis.duplicate(), eventsChannel(prefix));
  const events = new EventsRepository(database.db);
  const recorder = new EventRecorder(redis, prefix, { start: async (o) => (recordCalls.push(o), { id: "rec_x" } as never) }, 1000, log);
  const app = new Elysia()
    .use(requestGuard(auth))
    .onError(({ code, error, set }) => {
      const { status, body } = errorResponse(code, error);
      set.status = status;
      return body;
    })
    .use(
      new Elysia({ prefix: "/v1" })
        .use(meRoutes())
        .use(
          eventRoutes({
            cameras: new CamerasRepository(database.db),
            events,
            eventSettings: new EventSettingsRepository(database.db),
            hub,
            log,
            startRecording: (c, s, id) => recorder.start(c, s, id),
          }),
        )
        .use(eventSocketRoutes({ events, hub, auth, log })),
    )
    .listen({ port: 0, hostname: "127.0.0.1" });
  const api = {
    base: `127.0.0.1:${app.server!.port}`,
    hub,
    stop: async () => {
      hub.close();
      await app.stop();
    },
  };
  apis.push(api);
  return api;
}

async function call(api: Api, method: string, path: string, body?: unknown, token = ADMIN) {
  const res = await fetch(`http://${api.base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json().catch(() => null)) as any };
}

/** A console's socket: every message and the close, recorded. */
function connect(api: Api, hello: unknown) {
  const ws = new WebSocket(`ws://${api.base}/v1/events/ws`);
  const messages: ServerMessage[] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.addEventListener("close", (e) => resolve({ code: e.code, reason: e.reason })));
  ws.addEventListener("open", () => hello !== undefined && ws.send(typeof hello === "string" ? hello : JSON.stringify(hello)));
  ws.addEventListener("message", (e) => messages.push(JSON.parse(String(e.data))));
  const events = (replay: boolean) =>
    messages.filter((m): m is Extract<ServerMessage, { type: "event" }> => m.type === "event" && m.replay === replay).map((m) => m.event.id);
  return { ws, messages, closed, events, ready: () => eventually(() => messages.some((m) => m.type === "ready"), 3000) };
}

beforeAll(async () => {
  dir = tempDir("events");
  database = await openDatabase({ url: `${dir}/camserver.db`, dataDir: dir });
  redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  const cams = new CamerasRepository(database.db);
  for (const id of ["cam_a", "cam_b"]) await cams.create({ id, name: id, sourceUrl: "rtsp://10.0.0.5/s", username: null, password: null, network: "local" });
  viewerToken = (await new ApiTokensRepository(database.db).create("viewer", "wall")).token;
});

afterAll(async () => {
  for (const a of apis) await a.stop();
  redis.disconnect();
  await database.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("events API", () => {
  it("answers /v1/me with the token's name and role", async () => {
    const api = await startApi();
    expect((await call(api, "GET", "/v1/me")).json).toEqual({ name: "bootstrap", role: "admin" });
    expect((await call(api, "GET", "/v1/me", undefined, viewerToken)).json).toEqual({ name: "wall", role: "viewer" });
    expect((await call(api, "GET", "/v1/me", undefined, "wrong")).status).toBe(401);
  });

  it("stores an event posted by an admin (201) and refuses viewers (403), strangers (401), unknown cameras (404) and bad fields (422)", async () => {
    const api = apis[0]!;
    const made = await call(api, "POST", "/v1/events", { camera_id: "cam_a", kind: "person", label: "door", score: 0.9 });
    expect(made.status).toBe(201);
    expect(made.json).toMatchObject({ camera_id: "cam_a", kind: "person", label: "door", score: 0.9, source: "bootstrap", recording: null });
    expect((await call(api, "POST", "/v1/events", { camera_id: "cam_a", kind: "person" }, viewerToken)).status).toBe(403);
    expect((await call(api, "POST", "/v1/events", { camera_id: "cam_a", kind: "person" }, "")).status).toBe(401);
    expect((await call(api, "POST", "/v1/events", { camera_id: "nope", kind: "person" })).status).toBe(404);
    const bad = await call(api, "POST", "/v1/events", { camera_id: "cam_a", kind: "a b" });
    expect([bad.status, bad.json.field]).toEqual([422, "kind"]);
    const listed = await call(api, "GET", "/v1/events?camera_id=cam_a", undefined, viewerToken);
    expect(listed.json.map((e: PublicEvent) => e.id)).toEqual([made.json.id]);
    expect((await call(api, "GET", "/v1/events?limit=0")).status).toBe(422);
  });

  it("keeps record_s per camera and starts one recording per window of events", async () => {
    const api = apis[0]!;
    expect((await call(api, "GET", "/v1/cameras/cam_b/event-settings")).json).toEqual({ camera_id: "cam_b", record_s: 0 });
    expect((await call(api, "PUT", "/v1/cameras/cam_b/event-settings", { record_s: 2 }, viewerToken)).status).toBe(403);
    expect((await call(api, "PUT", "/v1/cameras/cam_b/event-settings", { record_s: 4000 })).status).toBe(422);
    expect((await call(api, "PUT", "/v1/cameras/cam_b/event-settings", { record_s: 2 })).json).toEqual({ camera_id: "cam_b", record_s: 2 });
    const first = await call(api, "POST", "/v1/events", { camera_id: "cam_b", kind: "car" });
    const second = await call(api, "POST", "/v1/events", { camera_id: "cam_b", kind: "car" });
    expect([first.json.recording, second.json.recording]).toEqual([{ seconds: 2 }, null]);
    expect(recordCalls).toEqual([{ cameraId: "cam_b", format: "fmp4", maxDurationS: 2 } as never]);
    await Bun.sleep(2100);
    expect((await call(api, "POST", "/v1/events", { camera_id: "cam_b", kind: "car" })).json.recording).toEqual({ seconds: 2 });
    await call(api, "PUT", "/v1/cameras/cam_b/event-settings", { record_s: 0 });
  });
});

describe("event WebSocket", () => {
  it("refuses a wrong token (4401) and a malformed hello (4400)", async () => {
    const api = apis[0]!;
    expect((await connect(api, { type: "hello", token: "wrong" }).closed).code).toBe(CLOSE.unauthorized);
    expect((await connect(api, "not json").closed).code).toBe(CLOSE.badHello);
    expect((await connect(api, { type: "hello", token: ADMIN, after_id: -1 }).closed).code).toBe(CLOSE.badHello);
  });

  it("closes a socket that sends no hello within 5 s (4408)", async () => {
    const t0 = Date.now();
    expect((await connect(apis[0]!, undefined).closed).code).toBe(CLOSE.helloTimeout);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(4900);
  }, 10_000);

  it("replays the latest events as history on a first connection, then pushes new ones live (counted in metrics)", async () => {
    const api = apis[0]!;
    const gauge = async () => (await consoleListeners.get()).values[0]?.value ?? 0;
    const sent = async (replay: boolean) => (await eventMessagesTotal.get()).values.find((v) => v.labels.replay === String(replay))?.value ?? 0;
    const [listening, replayed, pushed] = [await gauge(), await sent(true), await sent(false)];
    const before = (await call(api, "GET", "/v1/events?limit=1000")).json.map((e: PublicEvent) => e.id).sort((a: number, b: number) => a - b);
    const c = connect(api, { type: "hello", token: viewerToken });
    expect(await c.ready()).toBe(true);
    expect(c.messages[0]).toEqual({ type: "ready", role: "viewer", last_id: before.at(-1) });
    expect(await eventually(() => c.events(true).length === before.length, 2000)).toBe(true);
    expect(c.events(true)).toEqual(before);
    const made = await call(api, "POST", "/v1/events", { camera_id: "cam_a", kind: "person" });
    expect(await eventually(() => c.events(false).length === 1, 2000)).toBe(true);
    expect(c.events(false)).toEqual([made.json.id]);
    expect([await gauge(), await sent(true), await sent(false)]).toEqual([listening + 1, replayed + before.length, pushed + 1]);
    c.ws.close();
    expect(await eventually(() => api.hub.size === 0, 2000)).toBe(true);
    expect(await gauge()).toBe(listening);
  });

  it("resumes after a drop: only the events missed meanwhile, all flagged as history", async () => {
    const api = apis[0]!;
    const first = connect(api, { type: "hello", token: ADMIN });
    expect(await first.ready()).toBe(true);
    const seen = (first.messages[0] as { last_id: number }).last_id;
    first.ws.close();
    await first.closed;
    const missed = [
      (await call(api, "POST", "/v1/events", { camera_id: "cam_a", kind: "person" })).json.id,
      (await call(api, "POST", "/v1/events", { camera_id: "cam_b", kind: "car" })).json.id,
    ];
    const again = connect(api, { type: "hello", token: ADMIN, after_id: seen });
    expect(await eventually(() => again.events(true).length === 2, 2000)).toBe(true);
    expect(again.events(true)).toEqual(missed);
    expect(again.events(false)).toEqual([]);
    again.ws.close();
  });

  it("carries an event posted to one API process to a console on another (Redis pub/sub)", async () => {
    const a = apis[0]!;
    const b = await startApi();
    const c = connect(b, { type: "hello", token: ADMIN, after_id: 1_000_000 });
    expect(await c.ready()).toBe(true);
    const made = await call(a, "POST", "/v1/events", { camera_id: "cam_a", kind: "dog" });
    expect(await eventually(() => c.events(false).includes(made.json.id), 2000)).toBe(true);
    c.ws.close();
  });
});
