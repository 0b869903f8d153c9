/**
 * Everything the operator console adds to `/v1`, mounted with one line in app.ts: `/me`,
 * `/events` with its WebSocket and event settings, `/tokens`, and the camera connection
 * test. Builds this API process's event hub (closed when the app stops) and the recorder
 * that starts recordings on events.
 */
import { Elysia } from "elysia";
import { Authenticator } from "../auth.ts";
import type { ApiDeps } from "../deps.ts";
import { EventHub, eventsChannel } from "../event-hub.ts";
import { EventRecorder } from "../event-recorder.ts";
import { cameraTestRoutes } from "./camera-test.ts";
import { eventSocketRoutes } from "./event-socket.ts";
import { eventRoutes } from "./events.ts";
import { meRoutes } from "./me.ts";
import { tokenRoutes } from "./tokens.ts";

/** The console's routes (mounted under `/v1`). */
export function consoleRoutes(deps: ApiDeps) {
  const hub = new EventHub(deps.redis, () => deps.redis.duplicate(), eventsChannel(deps.keys.prefix));
  const recorder = new EventRecorder(deps.redis, deps.keys.prefix, deps.recordRequests, deps.recordTimeoutMs, deps.log);
  return new Elysia({ name: "console" })
    .onStop(() => hub.close())
    .use(meRoutes())
    .use(eventRoutes({ ...deps, hub, startRecording: (cameraId, seconds, eventId) => recorder.start(cameraId, seconds, eventId) }))
    .use(eventSocketRoutes({ events: deps.events, hub, auth: new Authenticator(deps.apiToken, deps.tokens), log: deps.log }))
    .use(tokenRoutes(deps))
    .use(cameraTestRoutes(deps));
}
