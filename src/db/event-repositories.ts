/** The event repositories an entry point hands to the API (one database handle, both tables). */
import type { Kysely } from "kysely";
import { EventSettingsRepository } from "./event-settings-repository.ts";
import { EventsRepository } from "./events-repository.ts";
import type { Schema } from "./schema.ts";

/** Events and per-camera event settings. */
export interface EventRepositories {
  readonly events: EventsRepository;
  readonly eventSettings: EventSettingsRepository;
}

/** Builds both repositories on `db`. */
export function eventRepositories(db: Kysely<Schema>): EventRepositories {
  return { events: new EventsRepository(db), eventSettings: new EventSettingsRepository(db) };
}
