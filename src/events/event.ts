/**
 * Detection events as the rest of camserver sees them: something a detector saw on a
 * camera (a person, a car, motion), stored in the database, listed by `GET /v1/events`
 * and pushed to open consoles (`/v1/events/ws`). Pure types and the one public JSON shape.
 */

/** One stored event. */
export interface EventRecord {
  /** Auto-increment id: the order events were stored in, and what a console resumes from. */
  readonly id: number;
  readonly cameraId: string;
  /** What was seen: 1-32 characters of `A-Z a-z 0-9 _ . -`, e.g. `person`, `motion`. */
  readonly kind: string;
  /** Free text from the detector, at most 200 printable characters, or null. */
  readonly label: string | null;
  /** Detector confidence 0-1, or null. */
  readonly score: number | null;
  /** When it happened, epoch ms (the detector's clock, or the API's when not given). */
  readonly at: number;
  /** When the API stored it, epoch ms. */
  readonly receivedAt: number;
  /** Name of the token that posted it (`bootstrap` for `API_TOKEN`). */
  readonly source: string;
}

/** What is needed to store an event; the id and `receivedAt` are set by the repository. */
export interface NewEvent {
  readonly cameraId: string;
  readonly kind: string;
  readonly label: string | null;
  readonly score: number | null;
  readonly at: number;
  readonly source: string;
}

/** An event as API responses and the WebSocket show it; instants are ISO 8601 in UTC. */
export interface PublicEvent {
  id: number;
  camera_id: string;
  kind: string;
  label: string | null;
  score: number | null;
  at: string;
  received_at: string;
  source: string;
}

/** The JSON shape of an event. */
export function publicEvent(e: EventRecord): PublicEvent {
  return {
    id: e.id,
    camera_id: e.cameraId,
    kind: e.kind,
    label: e.label,
    score: e.score,
    at: new Date(e.at).toISOString(),
    received_at: new Date(e.receivedAt).toISOString(),
    source: e.source,
  };
}
