/**
 * Reading one slot of the shared-memory ring without ever handing on torn bytes: the
 * writer stores seq_begin (odd), the payload, seq_end, seq_begin (even) in that order
 * (infra/shm/camserver_shm.h, "Publishing frame n"); the reader loads seq_end, copies the
 * slot, then loads seq_begin, and keeps the copy only when the two are equal and even
 * (L. Lamport, "Concurrent reading and writing", CACM 20(11), 1977).
 *
 * Each shared location is loaded once per call and the slot is copied with one memcpy
 * (`slice`) between the two sequence loads, so neither the JIT nor an x86-64 CPU (loads
 * are not reordered with loads) can move a payload load outside the window. The ring may
 * be mapped read-only: no Atomics here (JSC compiles Atomics.load to a locked read-modify-
 * write, which faults on a PROT_READ page). On a weakly ordered CPU (aarch64) the hardware
 * may reorder these plain loads; the sequence numbers and data_size inside the copy are a
 * second check there, not a proof.
 */

import { InvalidFieldError } from "../errors.ts";
import { FLAG_KEYFRAME, type RingHeader, SLOT_HEADER_SIZE, SlotField, slotOffset, viewOf } from "./ring-layout.ts";

/** One frame copied out of the ring; `data` is a private copy. */
export interface RingFrame {
  /** The write index it was published as (mod 2^32). */
  readonly index: number;
  /** The writer's own frame counter. */
  readonly frameNumber: number;
  /** Capture time, CLOCK_MONOTONIC microseconds. */
  readonly timestampUs: number;
  readonly cameraId: number;
  /** Pixels. */
  readonly width: number;
  readonly height: number;
  /** A {@link FrameFormat} value. */
  readonly format: number;
  /** Bit 0 ({@link FLAG_KEYFRAME}): the writer says this is an IDR access unit. */
  readonly flags: number;
  /** The frame's bytes (for H.264: one access unit, Annex B). */
  readonly data: Uint8Array;
}

/**
 * What reading a slot found: the frame; `torn` when the slot changed while it was copied
 * (or a write was under way); `overwritten` when a later frame (`holds`) replaced it before.
 */
export type SlotRead =
  | { readonly kind: "frame"; readonly frame: RingFrame }
  | { readonly kind: "torn" }
  | { readonly kind: "overwritten"; readonly holds: number };

const TORN: SlotRead = { kind: "torn" };

function u64(v: DataView, at: number): number {
  return v.getUint32(at + 4, true) * 0x1_0000_0000 + v.getUint32(at, true);
}

/**
 * Copies the slot of write index `index` and checks it.
 * @param ring the mapped ring (header checked with readRingHeader)
 * @param header its layout
 * @param index a write index below the header's write_index
 * @param withData false copies only the slot header (`data` is then empty)
 * @throws InvalidFieldError when a consistently written slot declares more data than the
 *   slot holds (a writer that breaks the layout)
 */
export function readSlot(ring: Uint8Array, header: RingHeader, index: number, withData = true): SlotRead {
  const at = slotOffset(header, index);
  const shared = viewOf(ring);
  const capacity = header.slotSize - SLOT_HEADER_SIZE;
  const seqEnd = shared.getUint32(at + SlotField.seqEnd, true);
  const wanted = withData ? Math.min(shared.getUint32(at + SlotField.dataSize, true), capacity) : 0;
  const copy = ring.slice(at, at + SLOT_HEADER_SIZE + wanted);
  const seqBegin = shared.getUint32(at + SlotField.seqBegin, true);
  if (seqBegin !== seqEnd || (seqBegin & 1) !== 0) return TORN;
  const v = viewOf(copy);
  // The copy must agree with the loads around it; data_size must be the one copied.
  if (v.getUint32(SlotField.seqBegin, true) !== seqEnd || v.getUint32(SlotField.seqEnd, true) !== seqEnd) return TORN;
  const dataSize = v.getUint32(SlotField.dataSize, true);
  if (withData && dataSize !== wanted) {
    if (dataSize > capacity) throw new InvalidFieldError("shm ring slot", "data_size", dataSize);
    return TORN;
  }
  const holds = v.getUint32(SlotField.index, true);
  if (holds !== index >>> 0) return { kind: "overwritten", holds };
  return {
    kind: "frame",
    frame: {
      index: holds,
      frameNumber: u64(v, SlotField.frameNumber),
      timestampUs: u64(v, SlotField.timestampUs),
      cameraId: v.getUint32(SlotField.cameraId, true),
      width: v.getUint32(SlotField.width, true),
      height: v.getUint32(SlotField.height, true),
      format: v.getUint32(SlotField.format, true),
      flags: v.getUint32(SlotField.flags, true),
      data: copy.subarray(SLOT_HEADER_SIZE),
    },
  };
}

/**
 * The newest frame that the writer flagged as a keyframe, searching back from the newest
 * published frame to the oldest one still intact; frames captured before `notBeforeUs`
 * do not count (a stale ring left by a dead writer is not replayed).
 * @param writeIndex the header's write_index
 * @returns its write index, or -1 when the ring holds none
 * @throws InvalidFieldError as {@link readSlot}
 */
export function findNewestKeyframe(ring: Uint8Array, header: RingHeader, writeIndex: number, notBeforeUs = 0): number {
  // The slot of writeIndex itself may be under way: look at slotCount - 1 frames at most.
  for (let back = 1; back < header.slotCount; back++) {
    const index = (writeIndex - back) >>> 0;
    const r = readSlot(ring, header, index, false);
    if (r.kind === "overwritten") return -1; // older slots are newer frames or never written
    if (r.kind === "torn") continue;
    if (r.frame.timestampUs < notBeforeUs) return -1;
    if ((r.frame.flags & FLAG_KEYFRAME) !== 0) return index;
  }
  return -1;
}
