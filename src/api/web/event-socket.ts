/**
 * The console's end of the event WebSocket (protocol: src/events/socket-protocol.ts):
 * authenticates with its first message (never a token in the URL), reconnects after a drop
 * with backoff (0.5 s doubling to 10 s, with jitter) and resumes from the last event id it
 * saw. Every event is handed on with the server's `replay` flag: a replayed event (a
 * reload's backlog, a reconnect's resume) is history and must never start playback.
 */
import { currentToken } from "./auth-token.ts";
import { FINAL_CLOSE_CODES, type HelloMessage, type ServerMessage } from "../../events/socket-protocol.ts";
import type { PublicEvent } from "./types.ts";

/** State of the socket, for the console's indicator. */
export type SocketState = "connecting" | "live" | "reconnecting" | "refused";

/** Options of {@link EventSocket}. */
export interface EventSocketOptions {
  /** Each event once, in order received; `replay` true for history. */
  readonly onEvent: (event: PublicEvent, replay: boolean) => void;
  readonly onState: (state: SocketState, detail: string) => void;
  /** The server accepted the token with this role. */
  readonly onReady?: (role: string) => void;
}

const MIN_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 10_000;
const SEEN_BOUND = 2000;

/** A self-reconnecting event socket. */
export class EventSocket {
  private ws: WebSocket | null = null;
  private lastId: number | null = null;
  /** Ids already handed on (live events of several API processes may arrive out of id order). */
  private readonly seen = new Set<number>();
  private backoff = MIN_BACKOFF_MS;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = true;
  /** Connections made so far (tests read it through `window.__console`). */
  connects = 0;

  constructor(private readonly opts: EventSocketOptions) {}

  /** The last event id seen (the resume point), or null. */
  get resumeFrom(): number | null {
    return this.lastId;
  }

  /** Connects (again); does nothing while connected. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  /** Closes and stops reconnecting (signed out). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.ws?.close(1000, "signed out");
    this.ws = null;
  }

  /** Drops the connection as a network failure would (tests, and a manual retry). */
  drop(): void {
    this.ws?.close(4000, "dropped by the console");
  }

  private connect(): void {
    const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/v1/events/ws`;
    const ws = (this.ws = new WebSocket(url));
    this.connects++;
    this.opts.onState(this.connects === 1 ? "connecting" : "reconnecting", "");
    ws.addEventListener("open", () => {
      const hello: HelloMessage = { type: "hello", token: currentToken(), after_id: this.lastId };
      ws.send(JSON.stringify(hello));
    });
    ws.addEventListener("message", (e) => {
      let m: ServerMessage;
      try {
        m = JSON.parse(String(e.data)) as ServerMessage;
      } catch {
        return;
      }
      if (m.type === "ready") {
        this.backoff = MIN_BACKOFF_MS;
        this.opts.onState("live", "");
        this.opts.onReady?.(m.role);
      } else if (m.type === "event") {
        if (this.seen.has(m.event.id)) return;
        this.seen.add(m.event.id);
        if (this.seen.size > SEEN_BOUND) this.seen.delete(this.seen.values().next().value!);
        this.lastId = Math.max(this.lastId ?? 0, m.event.id);
        this.opts.onEvent(m.event, m.replay);
      }
    });
    ws.addEventListener("close", (e) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.stopped) return;
      if (FINAL_CLOSE_CODES.includes(e.code)) {
        this.stopped = true;
        this.opts.onState("refused", e.reason);
        return;
      }
      const wait = this.backoff * (0.75 + Math.random() * 0.5);
      this.backoff = Math.min(this.backoff * 2, MAX_BACKOFF_MS);
      this.opts.onState("reconnecting", `retry in ${(wait / 1000).toFixed(1)} s`);
      this.timer = setTimeout(() => this.connect(), wait);
    });
  }
}
