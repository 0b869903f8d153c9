/**
 * `/v1/events/ws`: new events pushed to consoles, with resume (protocol:
 * src/events/socket-protocol.ts). The upgrade request carries no token (browsers cannot
 * set headers on a WebSocket, and a token never goes into a URL), so the route is public in
 * src/api/auth.ts and authenticates the first message instead.
 *
 * Order on acceptance: the listener is added (subscribed) before the replay is read, and
 * live events that arrive during the replay are held and sent after it, minus those the
 * replay already carried; so a console sees every event once, history before news.
 */
import { Elysia } from "elysia";
import type { Authenticator } from "../auth.ts";
import { publicEvent, type PublicEvent } from "../../events/event.ts";
import { CLOSE, FIRST_REPLAY, HELLO_TIMEOUT_MS, MAX_REPLAY, type HelloMessage, type ServerMessage } from "../../events/socket-protocol.ts";
import type { EventsRepository } from "../../db/events-repository.ts";
import type { Logger } from "../../log.ts";
import { eventMessagesTotal } from "../console-metrics.ts";
import { TooManyListenersError, type EventHub } from "../event-hub.ts";

/** Most sockets open at once on this process, greeted or not (the hub bounds the greeted ones). */
const MAX_SOCKETS = 2000;
/** Longest first message, characters (a token is at most 4096). */
const MAX_HELLO_LENGTH = 8192;

interface Conn {
  helloTimer?: ReturnType<typeof setTimeout>;
  /** Set once the hello is being handled. */
  greeted: boolean;
  closed: boolean;
  stop?: () => void;
}

/** What the socket route needs. */
export interface EventSocketDeps {
  readonly events: Pick<EventsRepository, "after" | "latest" | "lastId">;
  readonly hub: EventHub;
  readonly auth: Pick<Authenticator, "principal">;
  readonly log: Logger;
}

function parseHello(raw: unknown): HelloMessage | undefined {
  let m = raw;
  if (typeof m === "string") {
    if (m.length > MAX_HELLO_LENGTH) return undefined;
    try {
      m = JSON.parse(m);
    } catch {
      return undefined;
    }
  }
  if (typeof m !== "object" || m === null) return undefined;
  const h = m as Record<string, unknown>;
  if (h.type !== "hello" || typeof h.token !== "string" || h.token.length === 0 || h.token.length > 4096) return undefined;
  if (h.after_id !== undefined && h.after_id !== null && !(typeof h.after_id === "number" && Number.isSafeInteger(h.after_id) && h.after_id >= 0))
    return undefined;
  return { type: "hello", token: h.token, after_id: (h.after_id as number | null | undefined) ?? null };
}

/** The event WebSocket route (mounted under `/v1`). */
export function eventSocketRoutes(d: EventSocketDeps) {
  const conns = new Map<string, Conn>();
  return new Elysia().ws("/events/ws", {
    // Bun pings idle sockets; a console that vanished is dropped after this many seconds.
    idleTimeout: 60,
    open(ws) {
      if (conns.size >= MAX_SOCKETS) return ws.close(CLOSE.busy, "too many consoles");
      const c: Conn = { greeted: false, closed: false };
      c.helloTimer = setTimeout(() => ws.close(CLOSE.helloTimeout, "no hello"), HELLO_TIMEOUT_MS);
      conns.set(ws.id, c);
    },
    async message(ws, raw) {
      const c = conns.get(ws.id);
      if (!c || c.greeted) return;
      c.greeted = true;
      clearTimeout(c.helloTimer);
      const hello = parseHello(raw);
      if (!hello) return ws.close(CLOSE.badHello, "expected {type: hello, token, after_id?}");
      const who = await d.auth.principal(`Bearer ${hello.token}`);
      if (c.closed) return;
      if (!who) return ws.close(CLOSE.unauthorized, "token refused");
      const send = (m: ServerMessage) => {
        if (c.closed) return;
        if (m.type === "event") eventMessagesTotal.inc({ replay: String(m.replay) });
        // Bun's send: bytes sent, -1 queued under backpressure, 0 dropped (the console is far behind).
        if (ws.raw.send(JSON.stringify(m)) === 0) ws.close(CLOSE.busy, "reading too slowly");
      };
      let held: PublicEvent[] | undefined = [];
      let replayedUpTo = 0;
      try {
        c.stop = await d.hub.listen((event) => {
          if (held) held.push(event);
          else if (event.id > replayedUpTo) send({ type: "event", replay: false, event });
        });
      } catch (err) {
        if (err instanceof TooManyListenersError) return ws.close(CLOSE.busy, err.message);
        d.log.warn({ err: (err as Error).message }, "event socket: subscribing failed");
        return ws.close(1011, "events unavailable");
      }
      if (c.closed) return c.stop();
      try {
        const lastId = await d.events.lastId();
        const replay =
          hello.after_id === null || hello.after_id === undefined ? await d.events.latest(FIRST_REPLAY) : await d.events.after(hello.after_id, MAX_REPLAY);
        send({ type: "ready", role: who.role, last_id: lastId });
        for (const e of replay) send({ type: "event", replay: true, event: publicEvent(e) });
        replayedUpTo = Math.max(lastId, replay.at(-1)?.id ?? 0);
      } catch (err) {
        d.log.warn({ err: (err as Error).message }, "event socket: reading the replay failed");
        return ws.close(1011, "events unavailable");
      }
      const pending = held;
      held = undefined;
      for (const event of pending) if (event.id > replayedUpTo) send({ type: "event", replay: false, event });
    },
    close(ws) {
      const c = conns.get(ws.id);
      conns.delete(ws.id);
      if (!c) return;
      c.closed = true;
      clearTimeout(c.helloTimer);
      c.stop?.();
    },
  });
}
