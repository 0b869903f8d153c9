/**
 * The shared-memory frame ring of local camera daemons (`shm://NAME` cameras): layout,
 * slot reader with torn-read detection, reader cursor and a TypeScript writer. The C
 * header with the write protocol is infra/shm/camserver_shm.h. Pure: bytes in, bytes out.
 */

export { type CursorBatch, type CursorFrame, RingCursor } from "./ring-cursor.ts";
export { RingNotReadyError } from "./ring-errors.ts";
export {
  checkLayout,
  FLAG_KEYFRAME,
  FrameFormat,
  formatName,
  HeaderField,
  MAX_SLOT_COUNT,
  RING_HEADER_SIZE,
  RING_MAGIC,
  RING_VERSION,
  type RingHeader,
  ringBytes,
  readRingHeader,
  readWriteIndex,
  SLOT_HEADER_SIZE,
  SlotField,
  sameLayout,
  slotOffset,
} from "./ring-layout.ts";
export { findNewestKeyframe, readSlot, type RingFrame, type SlotRead } from "./ring-reader.ts";
export { RingTimeline } from "./ring-timeline.ts";
export { type FrameToWrite, RingWriter } from "./ring-writer.ts";
