/**
 * The bounded queue between a pipeline and one consumer. The pipeline never waits:
 * `offer` is synchronous. When the queue is full the consumer is too slow, so the
 * queue is emptied and the consumer skips to the next keyframe; the frames lost are
 * counted (go2rtc's per-consumer queue, pkg/core). Memory per consumer is bounded by
 * `maxUnits` and `maxBytes`.
 */
import { type AccessUnit, accessUnitBytes } from "../media/access-unit.ts";

/** What a queue holds: a frame that is or is not a keyframe (an access unit, an RTP frame). */
export interface QueuedFrame {
  readonly isKeyframe: boolean;
}

/** Bounds of one consumer queue. */
export interface ConsumerQueueOptions<T extends QueuedFrame = AccessUnit> {
  /** Size of one frame in bytes. @defaultValue accessUnitBytes */
  readonly sizeOf?: (frame: T) => number;
  /** Most access units waiting. @defaultValue 120 (4 s at 30 fps) */
  readonly maxUnits?: number;
  /** Most bytes waiting. @defaultValue 16 MiB */
  readonly maxBytes?: number;
}

/** A bounded FIFO of frames that drops up to the next keyframe on overflow. */
export class ConsumerQueue<T extends QueuedFrame = AccessUnit> {
  private readonly items: T[] = [];
  private bytes = 0;
  private waitingForKeyframe = true;
  /** Whether a keyframe was taken yet: frames before the first are not losses. */
  private started = false;
  private wake: (() => void) | undefined;
  private closed = false;
  private readonly maxUnits: number;
  private readonly maxBytes: number;
  private readonly sizeOf: (frame: T) => number;
  /** Access units this consumer lost because it was too slow, up to the next keyframe. */
  dropped = 0;

  constructor(opts: ConsumerQueueOptions<T> = {}) {
    this.sizeOf = opts.sizeOf ?? (accessUnitBytes as unknown as (frame: T) => number);
    this.maxUnits = opts.maxUnits ?? 120;
    this.maxBytes = opts.maxBytes ?? 16 * 1024 * 1024;
  }

  /** Queues an access unit; never blocks. Decoding starts at a keyframe. */
  offer(au: T): void {
    if (this.closed) return;
    if (this.waitingForKeyframe) {
      if (!au.isKeyframe) {
        if (this.started) this.dropped += 1;
        return;
      }
      this.waitingForKeyframe = false;
      this.started = true;
    }
    const size = this.sizeOf(au);
    if (this.items.length >= this.maxUnits || this.bytes + size > this.maxBytes) {
      this.dropped += this.items.length;
      this.items.length = 0;
      this.bytes = 0;
      if (!au.isKeyframe) {
        this.dropped += 1;
        this.waitingForKeyframe = true;
        return;
      }
    }
    this.items.push(au);
    this.bytes += size;
    this.wake?.();
  }

  /** The next access unit, waiting for one; undefined once closed. */
  async next(): Promise<T | undefined> {
    while (!this.closed) {
      const au = this.items.shift();
      if (au) {
        this.bytes -= this.sizeOf(au);
        return au;
      }
      await new Promise<void>((r) => (this.wake = r));
      this.wake = undefined;
    }
    return undefined;
  }

  /** Replaces what is waiting with `frames` (a cached GOP, keyframe first); nothing is counted as lost. */
  replaceWith(frames: readonly T[]): void {
    if (this.closed || frames.length === 0 || !frames[0]!.isKeyframe) return;
    this.items.length = 0;
    this.bytes = 0;
    for (const f of frames) {
      this.items.push(f);
      this.bytes += this.sizeOf(f);
    }
    this.waitingForKeyframe = false;
    this.started = true;
    this.wake?.();
  }

  /** Number of access units waiting. */
  get length(): number {
    return this.items.length;
  }

  /** Ends the queue: `next` returns undefined, `offer` ignores. */
  close(): void {
    this.closed = true;
    this.items.length = 0;
    this.bytes = 0;
    this.wake?.();
  }
}
