/**
 * `/v1/events`: detection events. `POST` stores one (admin: the only role that writes
 * besides watching; see src/api/auth.ts), publishes it to every open console
 * (src/api/event-hub.ts) and, when the camera's `record_s` says so, starts a recording of
 * that many seconds (answered as `recording: {seconds}`, or null when none was requested).
 * `GET` lists them newest first. `GET`/`PUT
 * /v1/cameras/:id/event-settings` read and change a camera's `record_s`.
 */
import { Elysia } from "elysia";
import type { CamerasRepository } from "../../db/cameras-repository.ts";
import type { EventSettingsRepository } from "../../db/event-settings-repository.ts";
import type { EventsRepository } from "../../db/events-repository.ts";
import { publicEvent } from "../../events/event.ts";
import { parseEventQuery, parseNewEvent } from "../../events/event-input.ts";
import { parseEventSettings, publicEventSettings } from "../../events/event-settings.ts";
import type { Logger } from "../../log.ts";
import { principalOf } from "../auth.ts";
import { eventsStoredTotal } from "../console-metrics.ts";
import type { EventHub } from "../event-hub.ts";

/**
 * Starts a recording of a camera for a number of seconds, for an event
 * (src/api/event-recorder.ts). @returns whether a recording was requested
 */
export type EventRecordingStarter = (cameraId: string, seconds: number, eventId: number) => Promise<boolean>;

/** What the event routes need. */
export interface EventRouteDeps {
  readonly cameras: Pick<CamerasRepository, "get">;
  readonly events: Pick<EventsRepository, "add" | "list">;
  readonly eventSettings: Pick<EventSettingsRepository, "get" | "put">;
  readonly hub: Pick<EventHub, "publish">;
  /** Absent while no recordings API is wired: `record_s` is then stored but starts nothing. */
  readonly startRecording?: EventRecordingStarter;
  readonly log: Logger;
  /** Clock, epoch ms. @defaultValue `Date.now` */
  readonly now?: () => number;
}

/** Event routes (mounted under the authenticated `/v1`). */
export function eventRoutes(d: EventRouteDeps) {
  const now = d.now ?? Date.now;
  return new Elysia()
    .post("/events", async ({ body, request, set }) => {
      const source = principalOf(request)?.name ?? "unknown";
      const input = parseNewEvent(body, source, now());
      await d.cameras.get(input.cameraId);
      const stored = publicEvent(await d.events.add(input));
      eventsStoredTotal.inc();
      // Stored first: a publish that fails loses only the push, never the event (consoles resume from the database).
      await d.hub.publish(stored).catch((err) => d.log.warn({ err: (err as Error).message, event: stored.id }, "event stored but not published"));
      let recording: { seconds: number } | null = null;
      const { recordS } = await d.eventSettings.get(input.cameraId);
      if (recordS > 0 && d.startRecording) {
        try {
          if (await d.startRecording(input.cameraId, recordS, stored.id)) recording = { seconds: recordS };
        } catch (err) {
          d.log.warn({ err: (err as Error).message, camera: input.cameraId, event: stored.id }, "recording on event failed");
        }
      }
      set.status = 201;
      return { ...stored, recording };
    })
    .get("/events", async ({ query }) => (await d.events.list(parseEventQuery(query))).map(publicEvent))
    .get("/cameras/:id/event-settings", async ({ params }) => {
      await d.cameras.get(params.id);
      return publicEventSettings(await d.eventSettings.get(params.id));
    })
    .put("/cameras/:id/event-settings", async ({ params, body }) => {
      const { recordS } = parseEventSettings(body);
      await d.cameras.get(params.id);
      const settings = { cameraId: params.id, recordS, updatedAt: now() };
      await d.eventSettings.put(settings);
      return publicEventSettings(settings);
    });
}
