/**
 * The writer's side of the shared-memory ring in TypeScript, for camera daemons written
 * for Bun and for tests: the same protocol as camserver_shm_init/camserver_shm_write in
 * infra/shm/camserver_shm.h. Sequence numbers and the write index are stored with
 * Atomics (sequentially consistent, so no store moves across them); the ring must be
 * mapped writable and 4-byte aligned (a mapping is page-aligned).
 */

import { InvalidFieldError, TooLargeError } from "../errors.ts";
import {
  checkLayout,
  FrameFormat,
  HeaderField,
  RING_HEADER_SIZE,
  RING_MAGIC,
  RING_VERSION,
  ringBytes,
  SLOT_HEADER_SIZE,
  SlotField,
  viewOf,
} from "./ring-layout.ts";

/** A frame to publish; absent numbers are 0, format defaults to H.264. */
export interface FrameToWrite {
  readonly data: Uint8Array;
  /** Capture time, CLOCK_MONOTONIC microseconds (< 2^53). */
  readonly timestampUs: number;
  readonly frameNumber?: number;
  readonly cameraId?: number;
  readonly width?: number;
  readonly height?: number;
  /** @defaultValue FrameFormat.H264 */
  readonly format?: number;
  /** FLAG_KEYFRAME for an IDR access unit. @defaultValue 0 */
  readonly flags?: number;
}

function words(ring: Uint8Array): Int32Array {
  if (ring.byteOffset % 4 !== 0) throw new InvalidFieldError("shm ring", "byteOffset", ring.byteOffset);
  return new Int32Array(ring.buffer, ring.byteOffset, ring.byteLength >>> 2);
}

function setU64(v: DataView, at: number, value: number): void {
  v.setUint32(at, value >>> 0, true);
  v.setUint32(at + 4, Math.floor(value / 0x1_0000_0000) >>> 0, true);
}

/** The layout {@link RingWriter.init} gives a ring. */
export interface RingLayoutOptions {
  /** A power of two, 2..65536. */
  readonly slotCount: number;
  /** Bytes per slot, its 64-byte header included: a multiple of 64, at least 128. */
  readonly slotSize: number;
  /** Non-zero u32, different from the ring's previous layout. */
  readonly generation: number;
  /** @defaultValue 0 (unknown) */
  readonly writerPid?: number;
  /** Write index of the first frame (tests start near 2^32 to cross the wrap). @defaultValue 0 */
  readonly firstIndex?: number;
}

/** Publishes frames into one ring laid out by {@link RingWriter.init}. Single writer. */
export class RingWriter {
  private readonly v: DataView;
  private readonly w: Int32Array;
  private index = 0;

  private constructor(
    private readonly ring: Uint8Array,
    readonly slotCount: number,
    readonly slotSize: number,
  ) {
    this.v = viewOf(ring);
    this.w = words(ring);
  }

  /**
   * Lays out a ring (magic stored last, so readers never see half a header).
   * @param ring the mapped file, at least ringBytes(slotCount, slotSize) bytes
   * @throws InvalidFieldError for a bad slot_count/slot_size/generation/firstIndex;
   *   TooLargeError when `ring` is too short
   */
  static init(ring: Uint8Array, o: RingLayoutOptions): RingWriter {
    const { slotCount, slotSize, generation, writerPid = 0, firstIndex = 0 } = o;
    checkLayout(slotCount, slotSize);
    if (!Number.isInteger(firstIndex) || firstIndex < 0 || firstIndex > 0xffff_ffff) {
      throw new InvalidFieldError("shm ring header", "write_index", firstIndex);
    }
    if (!Number.isInteger(generation) || generation <= 0 || generation > 0xffff_ffff) {
      throw new InvalidFieldError("shm ring header", "generation", generation);
    }
    const need = ringBytes(slotCount, slotSize);
    if (ring.byteLength < need) throw new TooLargeError("shm ring layout", need, ring.byteLength);
    const writer = new RingWriter(ring, slotCount, slotSize);
    const { v, w } = writer;
    Atomics.store(w, HeaderField.magic >> 2, 0);
    ring.fill(0, 4, RING_HEADER_SIZE);
    v.setUint16(HeaderField.version, RING_VERSION, true);
    v.setUint16(HeaderField.headerSize, RING_HEADER_SIZE, true);
    v.setUint32(HeaderField.slotCount, slotCount, true);
    v.setUint32(HeaderField.slotSize, slotSize, true);
    v.setUint32(HeaderField.generation, generation, true);
    v.setUint32(HeaderField.writerPid, writerPid, true);
    for (let s = 0; s < slotCount; s++) {
      const at = RING_HEADER_SIZE + s * slotSize;
      ring.fill(0, at, at + SLOT_HEADER_SIZE);
    }
    writer.index = firstIndex;
    v.setUint32(HeaderField.writeIndex, firstIndex, true);
    Atomics.store(w, HeaderField.magic >> 2, RING_MAGIC | 0);
    return writer;
  }

  /** Frames published so far (mod 2^32). */
  get writeIndex(): number {
    return this.index;
  }

  /** Bytes of data one slot holds. */
  get capacity(): number {
    return this.slotSize - SLOT_HEADER_SIZE;
  }

  /**
   * Publishes one frame into the next slot.
   * @returns its write index
   * @throws TooLargeError when the data does not fit a slot (nothing is written)
   */
  write(f: FrameToWrite): number {
    if (f.data.byteLength > this.capacity) throw new TooLargeError("shm ring frame", f.data.byteLength, this.capacity);
    const n = this.index;
    const at = RING_HEADER_SIZE + (n & (this.slotCount - 1)) * this.slotSize;
    const seqBegin = (at + SlotField.seqBegin) >> 2;
    const q = Atomics.load(this.w, seqBegin) & ~1;
    Atomics.store(this.w, seqBegin, q + 1);
    const v = this.v;
    v.setUint32(at + SlotField.index, n, true);
    setU64(v, at + SlotField.frameNumber, f.frameNumber ?? 0);
    setU64(v, at + SlotField.timestampUs, f.timestampUs);
    v.setUint32(at + SlotField.cameraId, f.cameraId ?? 0, true);
    v.setUint32(at + SlotField.width, f.width ?? 0, true);
    v.setUint32(at + SlotField.height, f.height ?? 0, true);
    v.setUint32(at + SlotField.format, f.format ?? FrameFormat.H264, true);
    v.setUint32(at + SlotField.flags, f.flags ?? 0, true);
    v.setUint32(at + SlotField.dataSize, f.data.byteLength, true);
    this.ring.set(f.data, at + SLOT_HEADER_SIZE);
    Atomics.store(this.w, (at + SlotField.seqEnd) >> 2, q + 2);
    Atomics.store(this.w, seqBegin, q + 2);
    this.index = (n + 1) >>> 0;
    Atomics.store(this.w, HeaderField.writeIndex >> 2, this.index | 0);
    return n;
  }
}
