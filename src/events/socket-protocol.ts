/**
 * Messages of the console's event WebSocket (`/v1/events/ws`), as JSON text frames.
 *
 * 1. The client sends `hello` first, within `HELLO_TIMEOUT_MS`, with its token (a browser
 *    cannot set headers on a WebSocket, and a token never goes into a URL) and the id of
 *    the last event it has seen, if any.
 * 2. The server answers `ready` with the role of the token, then sends the events the
 *    client missed (`after_id` given: those stored after it; none: the latest few) with
 *    `replay: true`, then each new event as it is stored with `replay: false`.
 *
 * A replayed event is history: a console shows it in its log and never starts playback for
 * it. Only `replay: false` means "just happened". The server closes with a 44xx code when
 * the hello is missing, malformed or its token is refused; a console retries other closes.
 */
import type { PublicEvent } from "./event.ts";

/** How long the server waits for `hello`, ms. */
export const HELLO_TIMEOUT_MS = 5000;
/** Events replayed to a client that sends no `after_id`. */
export const FIRST_REPLAY = 50;
/** Most events replayed on a resume (the newest ones when more were missed). */
export const MAX_REPLAY = 500;

/** Close codes (RFC 6455 §7.4.2: 4000-4999 are the application's). */
export const CLOSE = {
  /** The first message was not a valid `hello`. */
  badHello: 4400,
  /** The token was refused. */
  unauthorized: 4401,
  /** No `hello` within `HELLO_TIMEOUT_MS`. */
  helloTimeout: 4408,
  /** Too many consoles on this API process, or this console reads too slowly: retry later. */
  busy: 4429,
} as const;

/** Close codes after which a console must not reconnect by itself. */
export const FINAL_CLOSE_CODES: readonly number[] = [CLOSE.badHello, CLOSE.unauthorized];

/** Client -> server, the first and only message. */
export interface HelloMessage {
  type: "hello";
  token: string;
  /** Last event id the client has seen; absent or null on a first connection. */
  after_id?: number | null;
}

/** Server -> client, once the token is accepted. */
export interface ReadyMessage {
  type: "ready";
  role: string;
  /** Highest event id stored when the client was accepted. */
  last_id: number;
}

/** Server -> client: one event, replayed history or just stored. */
export interface EventMessage {
  type: "event";
  replay: boolean;
  event: PublicEvent;
}

/** What the server sends. */
export type ServerMessage = ReadyMessage | EventMessage;
