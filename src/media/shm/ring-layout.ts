/**
 * The shared-memory frame ring's layout: header and slot field offsets, frame formats and
 * the header parser. The C twin, with the write protocol for camera daemons, is
 * infra/shm/camserver_shm.h; the two must change together (bump {@link RING_VERSION}).
 * All integers little-endian.
 */

import { InvalidFieldError, TruncatedError } from "../errors.ts";
import { RingNotReadyError } from "./ring-errors.ts";

/** `magic`: the bytes "CSHM" read as a little-endian u32. */
export const RING_MAGIC = 0x4d485343;
/** The one layout version this code reads and writes. */
export const RING_VERSION = 1;
/** Bytes of the ring header; slot 0 starts here. */
export const RING_HEADER_SIZE = 64;
/** Bytes of a slot's header; the frame data starts here within the slot. */
export const SLOT_HEADER_SIZE = 64;
/** Most slots a ring may have. */
export const MAX_SLOT_COUNT = 65536;
/** `flags` bit 0: the frame is an IDR access unit. */
export const FLAG_KEYFRAME = 1;

/** Byte offsets of the header fields. */
export const HeaderField = {
  magic: 0,
  version: 4,
  headerSize: 6,
  slotCount: 8,
  slotSize: 12,
  writeIndex: 16,
  generation: 20,
  writerPid: 24,
} as const;

/** Byte offsets of a slot's fields, from the slot's start. */
export const SlotField = {
  seqBegin: 0,
  index: 4,
  frameNumber: 8,
  timestampUs: 16,
  cameraId: 24,
  width: 28,
  height: 32,
  format: 36,
  flags: 40,
  dataSize: 44,
  seqEnd: 48,
} as const;

/** Frame formats of the `format` field; camserver serves only {@link FrameFormat.H264}. */
export const FrameFormat = { JPEG: 0, NV12: 1, RGB: 2, H264: 3 } as const;

/** Name of a format value for messages, e.g. "NV12" or "format 9". */
export function formatName(format: number): string {
  const entry = Object.entries(FrameFormat).find(([, v]) => v === format);
  return entry ? entry[0] : `format ${format}`;
}

/** The ring header's layout fields (write_index is read separately, it moves). */
export interface RingHeader {
  readonly slotCount: number;
  /** Bytes per slot, its 64-byte header included. */
  readonly slotSize: number;
  /** Non-zero; changes each time the writer lays the ring out again. */
  readonly generation: number;
  /** Writer's process id, 0 when unknown. */
  readonly writerPid: number;
  /** Bytes the layout occupies: header plus every slot. */
  readonly ringBytes: number;
}

/** Bytes of a ring of `slotCount` slots of `slotSize` bytes. */
export function ringBytes(slotCount: number, slotSize: number): number {
  return RING_HEADER_SIZE + slotCount * slotSize;
}

/** A DataView over exactly the bytes of `u8`. */
export function viewOf(u8: Uint8Array): DataView {
  return new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
}

/**
 * Checks the layout fields a writer may choose.
 * @throws InvalidFieldError naming the bad field
 */
export function checkLayout(slotCount: number, slotSize: number): void {
  if (!Number.isInteger(slotCount) || slotCount < 2 || slotCount > MAX_SLOT_COUNT || (slotCount & (slotCount - 1)) !== 0) {
    throw new InvalidFieldError("shm ring header", "slot_count", slotCount);
  }
  if (!Number.isInteger(slotSize) || slotSize < 2 * SLOT_HEADER_SIZE || slotSize % 64 !== 0 || slotSize > 0x7fffffff) {
    throw new InvalidFieldError("shm ring header", "slot_size", slotSize);
  }
}

/**
 * Reads and checks the ring header of a mapped ring.
 * @param ring the whole mapping (its length is the file size)
 * @throws RingNotReadyError while the writer is laying the ring out (file shorter than the
 *   header, or magic still 0); InvalidFieldError for another magic, an unknown version or
 *   header size, or a bad slot_count/slot_size; TruncatedError when the file is shorter
 *   than the layout it declares
 */
export function readRingHeader(ring: Uint8Array): RingHeader {
  if (ring.byteLength < RING_HEADER_SIZE) throw new RingNotReadyError(`file has ${ring.byteLength} bytes, the header needs ${RING_HEADER_SIZE}`);
  const v = viewOf(ring);
  const magic = v.getUint32(HeaderField.magic, true);
  if (magic === 0) throw new RingNotReadyError("magic is 0 (the writer is laying it out)");
  if (magic !== RING_MAGIC) throw new InvalidFieldError("shm ring header", "magic", `0x${magic.toString(16)}`);
  const version = v.getUint16(HeaderField.version, true);
  if (version !== RING_VERSION) throw new InvalidFieldError("shm ring header", "version", version);
  const headerSize = v.getUint16(HeaderField.headerSize, true);
  if (headerSize !== RING_HEADER_SIZE) throw new InvalidFieldError("shm ring header", "header_size", headerSize);
  const slotCount = v.getUint32(HeaderField.slotCount, true);
  const slotSize = v.getUint32(HeaderField.slotSize, true);
  checkLayout(slotCount, slotSize);
  const bytes = ringBytes(slotCount, slotSize);
  if (ring.byteLength < bytes) throw new TruncatedError("shm ring", bytes, ring.byteLength);
  return {
    slotCount,
    slotSize,
    generation: v.getUint32(HeaderField.generation, true),
    writerPid: v.getUint32(HeaderField.writerPid, true),
    ringBytes: bytes,
  };
}

/** The header's write_index: frames published so far, modulo 2^32. */
export function readWriteIndex(ring: Uint8Array): number {
  return viewOf(ring).getUint32(HeaderField.writeIndex, true);
}

/**
 * Whether the header still describes `header` (same magic, version, layout and
 * generation). False means the writer laid the ring out again: map and read it anew.
 */
export function sameLayout(ring: Uint8Array, header: RingHeader): boolean {
  if (ring.byteLength < RING_HEADER_SIZE) return false;
  const v = viewOf(ring);
  return (
    v.getUint32(HeaderField.magic, true) === RING_MAGIC &&
    v.getUint16(HeaderField.version, true) === RING_VERSION &&
    v.getUint32(HeaderField.slotCount, true) === header.slotCount &&
    v.getUint32(HeaderField.slotSize, true) === header.slotSize &&
    v.getUint32(HeaderField.generation, true) === header.generation
  );
}

/** Byte offset of the slot that holds write index `index`. */
export function slotOffset(header: RingHeader, index: number): number {
  return RING_HEADER_SIZE + ((index >>> 0) & (header.slotCount - 1)) * header.slotSize;
}
