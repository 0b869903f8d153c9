/**
 * Requests held until a camera's LL-HLS playlist reaches a part or segment: blocking
 * playlist reloads and requests for the preload-hinted part (draft-pantos-hls-rfc8216bis
 * §6.2.5.2, §6.2.6). The holder publishes each playlist's edge on the camera's channel
 * (hls-segment-store.ts); one subscriber connection per API process serves every waiting
 * request: a camera's channel is subscribed while requests wait on it (and `lingerMs` after,
 * so a player's back-to-back requests do not churn subscriptions).
 */
import type Redis from "ioredis";
import { decodeEdge, type HlsEdge } from "./hls-edge.ts";
import { ENDED } from "./hls-segment-store.ts";
import type { Keys } from "./keys.ts";

/** How a wait ended. */
export type HlsWaitResult =
  | { readonly kind: "ready"; readonly edge: HlsEdge }
  /** The bound passed first. */
  | { readonly kind: "timeout" }
  /** The camera's HLS output stopped (or this process is closing). */
  | { readonly kind: "ended" }
  /** Too many requests wait in this process already. */
  | { readonly kind: "busy" };

/** Options of {@link HlsPlaylistWaiters}. */
export interface HlsPlaylistWaitersOptions {
  /** Most requests waiting at once in this process. @defaultValue 10000 */
  readonly maxWaiters?: number;
  /** A camera's channel stays subscribed this long after its last waiter left, ms. @defaultValue 10000 */
  readonly lingerMs?: number;
}

interface Waiter {
  readonly ready: (edge: HlsEdge) => boolean;
  done: (r: HlsWaitResult) => void;
}

interface Channel {
  readonly waiters: Set<Waiter>;
  readonly subscribed: Promise<void>;
  linger?: ReturnType<typeof setTimeout>;
}

/** The waiting requests of one API process. */
export class HlsPlaylistWaiters {
  private subscriber: Redis | undefined;
  private readonly channels = new Map<string, Channel>();
  private count = 0;
  private closed = false;
  private readonly maxWaiters: number;
  private readonly lingerMs: number;

  /**
   * @param connect makes the subscriber connection (once, on the first wait)
   * @param readEdge the camera's current edge, read once a wait's subscription is in place
   */
  constructor(
    private readonly connect: () => Redis,
    private readonly keys: Keys,
    private readonly readEdge: (cameraId: string) => Promise<HlsEdge | undefined>,
    opts: HlsPlaylistWaitersOptions = {},
  ) {
    this.maxWaiters = opts.maxWaiters ?? 10_000;
    this.lingerMs = opts.lingerMs ?? 10_000;
  }

  /** Requests waiting now. */
  get waiting(): number {
    return this.count;
  }

  /** Cameras whose channel is subscribed now. */
  get subscriptions(): number {
    return this.channels.size;
  }

  /**
   * Waits until the camera's edge satisfies `ready`, at most `timeoutMs`.
   * @throws the subscriber connection's error when the subscription cannot be made
   */
  async wait(cameraId: string, ready: (edge: HlsEdge) => boolean, timeoutMs: number): Promise<HlsWaitResult> {
    if (this.closed) return { kind: "ended" };
    if (this.count >= this.maxWaiters) return { kind: "busy" };
    const name = this.keys.hlsPlaylistChannel(cameraId);
    const ch = this.channel(name);
    clearTimeout(ch.linger);
    const waiter: Waiter = { ready, done: () => {} };
    const result = new Promise<HlsWaitResult>((resolve) => (waiter.done = resolve));
    ch.waiters.add(waiter);
    this.count++;
    const timer = setTimeout(() => waiter.done({ kind: "timeout" }), timeoutMs);
    try {
      await ch.subscribed;
      // Updates published before the subscription took effect are seen by reading once.
      const edge = await this.readEdge(cameraId);
      if (!edge) waiter.done({ kind: "ended" });
      else if (ready(edge)) waiter.done({ kind: "ready", edge });
      return await result;
    } finally {
      clearTimeout(timer);
      ch.waiters.delete(waiter);
      this.count--;
      if (ch.waiters.size === 0 && this.channels.get(name) === ch) ch.linger = setTimeout(() => this.drop(name, ch), this.lingerMs);
    }
  }

  /** Ends every wait ("ended") and closes the subscriber connection. */
  close(): void {
    this.closed = true;
    for (const ch of this.channels.values()) {
      clearTimeout(ch.linger);
      for (const w of ch.waiters) w.done({ kind: "ended" });
    }
    this.channels.clear();
    this.subscriber?.disconnect();
    this.subscriber = undefined;
  }

  private channel(name: string): Channel {
    const existing = this.channels.get(name);
    if (existing) return existing;
    const sub = this.connection();
    const subscribed = sub.subscribe(name).then(
      () => {},
      (err: unknown) => {
        if (this.channels.get(name) === ch) this.channels.delete(name);
        throw err;
      },
    );
    subscribed.catch(() => {});
    const ch: Channel = { waiters: new Set(), subscribed };
    this.channels.set(name, ch);
    return ch;
  }

  private connection(): Redis {
    if (this.subscriber) return this.subscriber;
    const sub = this.connect();
    sub.on("error", () => {});
    sub.on("message", (channel: string, message: string) => this.message(channel, message));
    this.subscriber = sub;
    return sub;
  }

  private message(channel: string, message: string): void {
    const ch = this.channels.get(channel);
    if (!ch) return;
    if (message === ENDED) {
      for (const w of ch.waiters) w.done({ kind: "ended" });
      return;
    }
    const edge = decodeEdge(message);
    if (!edge) return;
    for (const w of ch.waiters) if (w.ready(edge)) w.done({ kind: "ready", edge });
  }

  private drop(name: string, ch: Channel): void {
    if (ch.waiters.size > 0 || this.channels.get(name) !== ch) return;
    this.channels.delete(name);
    this.subscriber?.unsubscribe(name).catch(() => {});
  }
}
