/**
 * Fans new events out to the consoles connected to this API process. Events reach every
 * API process through Redis pub/sub (a console may be connected to another process than the
 * one a detector posted to): the channel is subscribed while this process has listeners, on
 * one subscriber connection made at the first listener and closed after the last one left.
 */
import type Redis from "ioredis";
import type { PublicEvent } from "../events/event.ts";
import { Keys } from "../state/keys.ts";
import { consoleListeners } from "./console-metrics.ts";

/** The pub/sub channel of new events of one installation (Redis key prefix). */
export function eventsChannel(prefix: string): string {
  return new Keys(prefix).eventsChannel();
}

/** Options of {@link EventHub}. */
export interface EventHubOptions {
  /** Most listeners (open consoles) in this process; more are refused. @defaultValue 1000 */
  readonly maxListeners?: number;
}

/** A console's callback for each new event. */
export type EventListener = (event: PublicEvent) => void;

/** Too many consoles are connected to this process. */
export class TooManyListenersError extends Error {
  constructor(readonly max: number) {
    super(`more than ${max} consoles on this API process`);
    this.name = new.target.name;
  }
}

/** The event fan-out of one API process. */
export class EventHub {
  private readonly listeners = new Set<EventListener>();
  private subscriber: Redis | undefined;
  private subscribed: Promise<void> | undefined;
  private readonly maxListeners: number;

  /**
   * @param publisher connection new events are published on
   * @param connect makes the subscriber connection (at the first listener)
   * @param channel from {@link eventsChannel}
   */
  constructor(
    private readonly publisher: Redis,
    private readonly connect: () => Redis,
    private readonly channel: string,
    opts: EventHubOptions = {},
  ) {
    this.maxListeners = opts.maxListeners ?? 1000;
  }

  /** Listeners in this process now. */
  get size(): number {
    return this.listeners.size;
  }

  /** Sends a stored event to every console of every API process. */
  async publish(event: PublicEvent): Promise<void> {
    await this.publisher.publish(this.channel, JSON.stringify(event));
  }

  /**
   * Adds a listener; resolves once the channel is subscribed, so an event published after
   * this resolves reaches it.
   * @returns the function that removes it
   * @throws TooManyListenersError past `maxListeners`; the connection's error when subscribing fails
   */
  async listen(listener: EventListener): Promise<() => void> {
    if (this.listeners.size >= this.maxListeners) throw new TooManyListenersError(this.maxListeners);
    this.listeners.add(listener);
    consoleListeners.inc();
    const remove = () => {
      if (!this.listeners.delete(listener)) return;
      consoleListeners.dec();
      if (this.listeners.size === 0) this.disconnect();
    };
    try {
      await this.ensureSubscribed();
    } catch (err) {
      remove();
      throw err;
    }
    return remove;
  }

  /** Drops every listener and the subscriber connection. */
  close(): void {
    consoleListeners.dec(this.listeners.size);
    this.listeners.clear();
    this.disconnect();
  }

  private ensureSubscribed(): Promise<void> {
    if (this.subscribed) return this.subscribed;
    const sub = (this.subscriber = this.connect());
    sub.on("message", (channel: string, message: string) => {
      if (channel !== this.channel) return;
      let event: PublicEvent;
      try {
        event = JSON.parse(message) as PublicEvent;
      } catch {
        return;
      }
      for (const l of [...this.listeners]) l(event);
    });
    this.subscribed = sub.subscribe(this.channel).then(() => undefined);
    this.subscribed.catch(() => this.disconnect());
    return this.subscribed;
  }

  private disconnect(): void {
    const sub = this.subscriber;
    this.subscriber = undefined;
    this.subscribed = undefined;
    sub?.disconnect();
  }
}
