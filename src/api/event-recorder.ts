/**
 * Recording on events: a new event of a camera whose `record_s` is above 0 starts a
 * recording of that many seconds (a `record` job, like `POST /v1/recordings` with
 * `max_duration_s`). Events that follow within those seconds start nothing more: a Redis key
 * (`SET NX PX`, shared by every API process) marks the camera as recording for an event.
 * The start is not awaited: `POST /v1/events` answers at once, a failure is logged.
 */
import type Redis from "ioredis";
import type { Logger } from "../log.ts";
import { Keys } from "../state/keys.ts";
import { deleteIfOwned } from "../state/owned-key.ts";

/** What starts a recording: the `record` queue's producer (`RecordRequests.start`). */
export interface RecordingStarts {
  start(o: { cameraId: string; format: "fmp4"; maxDurationS: number }, timeoutMs: number): Promise<{ id: string }>;
}

/** The Redis key that marks a camera as recording for an event. */
export function eventRecordingKey(prefix: string, cameraId: string): string {
  return new Keys(prefix).eventRecording(cameraId);
}

/** Starts recordings for events. */
export class EventRecorder {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly records: RecordingStarts,
    private readonly timeoutMs: number,
    private readonly log: Logger,
  ) {}

  /**
   * Asks for a recording of `seconds` unless one for an earlier event still runs.
   * @returns whether a recording was requested
   */
  async start(cameraId: string, seconds: number, eventId: number): Promise<boolean> {
    const taken = await this.redis.set(eventRecordingKey(this.prefix, cameraId), String(eventId), "PX", seconds * 1000, "NX");
    if (taken !== "OK") return false;
    this.records.start({ cameraId, format: "fmp4", maxDurationS: seconds }, this.timeoutMs).then(
      (r) => this.log.info({ camera: cameraId, event: eventId, recording: r.id, seconds }, "recording on event"),
      (err: unknown) => {
        this.log.warn(
          { camera: cameraId, event: eventId, err: err instanceof Error ? `${err.name}: ${err.message}` : String(err) },
          "recording on event failed",
        );
        // Only this event's mark: a later event may hold the key once this one lapsed.
        void deleteIfOwned(this.redis, eventRecordingKey(this.prefix, cameraId), String(eventId)).catch(() => {});
      },
    );
    return true;
  }
}
