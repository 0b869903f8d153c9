/**
 * A reader's position in the shared-memory ring: which frames are new since the last
 * look, which were lost (overwritten before or while they were read), and where to resume
 * after falling behind (the newest keyframe still in the ring). Pure: the caller maps the
 * ring and decides when to look (infra/shm/camserver_shm.h describes the layout).
 */

import { findNewestKeyframe, readSlot, type RingFrame } from "./ring-reader.ts";
import { type RingHeader, readWriteIndex } from "./ring-layout.ts";

/** A frame read by the cursor. */
export interface CursorFrame extends RingFrame {
  /** Frames were lost right before this one: decoding must restart at a keyframe. */
  readonly afterLoss: boolean;
}

/** What one look at the ring found. */
export interface CursorBatch {
  /** New frames in write order, each copied out intact. */
  readonly frames: CursorFrame[];
  /** Frames overwritten while they were being copied. */
  readonly skippedTorn: number;
  /** Frames overwritten before the reader got to them (it fell behind). */
  readonly skippedBehind: number;
}

/** Reads new frames of one ring layout in order. */
export class RingCursor {
  private next = 0;
  private lost = true;

  /**
   * @param header the layout, from readRingHeader on the same mapping
   */
  constructor(readonly header: RingHeader) {}

  /** Write index of the next frame to read (mod 2^32). */
  get position(): number {
    return this.next;
  }

  /**
   * Places the cursor at the newest keyframe in the ring captured at or after
   * `notBeforeUs` (so the picture starts at once), else after the newest frame.
   * @throws InvalidFieldError as readSlot
   */
  start(ring: Uint8Array, notBeforeUs = 0): void {
    const w = readWriteIndex(ring);
    const key = findNewestKeyframe(ring, this.header, w, notBeforeUs);
    this.next = key >= 0 ? key : w;
    this.lost = true;
  }

  /**
   * Reads every frame published since the last call.
   * @returns the frames and what was skipped; skipped frames are counted, never returned
   * @throws InvalidFieldError as readSlot
   */
  poll(ring: Uint8Array): CursorBatch {
    const frames: CursorFrame[] = [];
    let skippedTorn = 0;
    let skippedBehind = 0;
    const slots = this.header.slotCount;
    let w = readWriteIndex(ring);
    for (let guard = 0; guard <= slots + 1; guard++) {
      const pending = (w - this.next) >>> 0;
      if (pending === 0) break;
      if (pending > 0x7fff_ffff) {
        // write_index went back: the writer started over without a new generation.
        this.resync(ring, w);
        w = readWriteIndex(ring);
        continue;
      }
      if (pending >= slots) {
        skippedBehind += this.resync(ring, w);
        w = readWriteIndex(ring);
        continue;
      }
      const r = readSlot(ring, this.header, this.next);
      if (r.kind === "frame") {
        frames.push({ ...r.frame, afterLoss: this.lost });
        this.lost = false;
        this.next = (this.next + 1) >>> 0;
      } else if (r.kind === "torn") {
        skippedTorn++;
        this.lost = true;
        this.next = (this.next + 1) >>> 0;
      } else {
        w = readWriteIndex(ring);
        skippedBehind += this.resync(ring, w);
        w = readWriteIndex(ring);
      }
      if (r.kind !== "overwritten" && (w - this.next) >>> 0 === 0) w = readWriteIndex(ring);
    }
    return { frames, skippedTorn, skippedBehind };
  }

  /** Jumps to the newest keyframe (or the newest frame); returns the frames skipped. */
  private resync(ring: Uint8Array, w: number): number {
    const key = findNewestKeyframe(ring, this.header, w);
    const target = key >= 0 ? key : w;
    const skipped = (target - this.next) >>> 0;
    this.next = target;
    this.lost = true;
    return skipped > 0x7fff_ffff ? 0 : skipped;
  }
}
