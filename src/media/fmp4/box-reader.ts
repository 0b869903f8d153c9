/**
 * Reads ISO base media file format boxes (ISO/IEC 14496-12 §4.2): a 32-bit size and a
 * four-character type; size 1 means a 64-bit largesize follows, size 0 means the box runs to
 * the end of its container (the file, for a top-level box); type 'uuid' adds a 16-byte
 * extended type. A full box starts its payload with an 8-bit version and 24-bit flags.
 *
 * Nothing is copied: every payload is a view of the input. Reading is bounded: each box
 * takes at least 8 bytes of its container, and nothing recurses on its own.
 */

import { InvalidFieldError, MissingBoxError, TooLargeError, TruncatedError } from "../errors.ts";

/** A box header: type and extent. */
export interface BoxHeader {
  /** The four-character type, e.g. "moof"; bytes outside printable ASCII are kept as Latin-1. */
  readonly type: string;
  /** Offset of the box's first byte in the bytes read. */
  readonly offset: number;
  /** Whole box in bytes, header included (size 0 resolved to the end of the container). */
  readonly size: number;
  /** Header bytes: 8, 16 with a largesize, 16 more for 'uuid'. */
  readonly headerSize: number;
}

/** A box with its payload. */
export interface Box extends BoxHeader {
  /** The bytes after the header: a view of the input, not a copy. */
  readonly payload: Uint8Array;
}

/** Options of {@link readBoxes} and {@link readBoxHeader}. */
export interface BoxReadOptions {
  /**
   * Largest box accepted, header included; a larger declared size is a TooLargeError even
   * when the bytes are there.
   * @defaultValue Number.MAX_SAFE_INTEGER
   */
  readonly maxBoxBytes?: number;
}

const STRUCTURE = "ISOBMFF box";
const TWO_32 = 0x1_0000_0000;

/**
 * Reads the header of the box at `offset`, which must lie within `bytes[offset, end)`.
 * A reader that streams a file can call it on what it has: the TruncatedError says how many
 * bytes (`needed`, counted from `offset`) the header or the whole box needs.
 * @param end end of the container; the box must fit before it
 * @throws TruncatedError when the header, or the box it declares, runs past `end`
 * @throws InvalidFieldError when the size is smaller than the header
 * @throws TooLargeError when the size exceeds `maxBoxBytes` or 2^53 - 1
 * @throws InvalidFieldError when `offset..end` is not a range of integers within `bytes`
 */
export function readBoxHeader(bytes: Uint8Array, offset = 0, end = bytes.length, options: BoxReadOptions = {}): BoxHeader {
  checkRange(bytes, offset, end);
  const available = end - offset;
  if (available < 8) throw new TruncatedError(STRUCTURE, 8, available);
  let size = u32(bytes, offset);
  const type = String.fromCharCode(bytes[offset + 4]!, bytes[offset + 5]!, bytes[offset + 6]!, bytes[offset + 7]!);
  let headerSize = 8;
  if (size === 1) {
    if (available < 16) throw new TruncatedError(`${STRUCTURE} '${type}' largesize`, 16, available);
    const hi = u32(bytes, offset + 8);
    if (hi >= 0x200000) throw new TooLargeError(`${STRUCTURE} '${type}'`, hi * TWO_32, Number.MAX_SAFE_INTEGER);
    size = hi * TWO_32 + u32(bytes, offset + 12);
    headerSize = 16;
  } else if (size === 0) {
    size = available;
  }
  if (type === "uuid") headerSize += 16;
  if (size < headerSize) throw new InvalidFieldError(`${STRUCTURE} '${type}'`, "size", size);
  const max = options.maxBoxBytes ?? Number.MAX_SAFE_INTEGER;
  if (size > max) throw new TooLargeError(`${STRUCTURE} '${type}'`, size, max);
  if (size > available) throw new TruncatedError(`${STRUCTURE} '${type}'`, size, available);
  return { type, offset, size, headerSize };
}

/**
 * Reads the boxes that fill `bytes[offset, end)` one after another: the top-level boxes of a
 * file, or the children of a container box's payload.
 * @returns the boxes in order, with payloads that are views of `bytes`
 * @throws the errors of {@link readBoxHeader} for the first box that does not fit
 */
export function readBoxes(bytes: Uint8Array, offset = 0, end = bytes.length, options: BoxReadOptions = {}): Box[] {
  checkRange(bytes, offset, end);
  const boxes: Box[] = [];
  for (let o = offset; o < end; ) {
    const h = readBoxHeader(bytes, o, end, options);
    boxes.push({ ...h, payload: bytes.subarray(o + h.headerSize, o + h.size) });
    o += h.size;
  }
  return boxes;
}

/**
 * The child boxes of a container box, read from its payload after `skip` bytes: 0 for plain
 * containers (moov, trak, moof, traf...), 4 for a full box container's version and flags,
 * 8 for `stsd` and `dref` (version, flags, entry_count), 78 for a VisualSampleEntry such as
 * `avc1` (§12.1.3.2).
 * @throws TruncatedError when the payload is shorter than `skip`, and the errors of {@link readBoxes}
 */
export function childBoxes(box: Box, skip = 0, options: BoxReadOptions = {}): Box[] {
  if (box.payload.length < skip) throw new TruncatedError(`${STRUCTURE} '${box.type}'`, box.headerSize + skip, box.size);
  return readBoxes(box.payload, skip, box.payload.length, options);
}

/** The first box of `type` among `boxes`, or undefined. */
export function findBox(boxes: readonly Box[], type: string): Box | undefined {
  for (const b of boxes) if (b.type === type) return b;
  return undefined;
}

/**
 * The first box of `type` among `boxes`.
 * @param container name of the box searched, for the error
 * @throws MissingBoxError when there is none
 */
export function requireBox(boxes: readonly Box[], type: string, container: string): Box {
  const b = findBox(boxes, type);
  if (b === undefined) throw new MissingBoxError(container, type);
  return b;
}

/** Payload of a full box split into version, flags and the rest (§4.2 FullBox). */
export interface FullBoxBody {
  readonly version: number;
  readonly flags: number;
  /** The payload after version and flags. */
  readonly body: Uint8Array;
  /** A DataView over `body`, for reading its fields. */
  readonly view: DataView;
}

/**
 * Splits a full box's payload into version, flags and body.
 * @throws TruncatedError when the payload is shorter than 4 bytes
 */
export function readFullBox(box: Box): FullBoxBody {
  const p = box.payload;
  if (p.length < 4) throw new TruncatedError(`${STRUCTURE} '${box.type}'`, box.headerSize + 4, box.size);
  const body = p.subarray(4);
  return { version: p[0]!, flags: (p[1]! << 16) | (p[2]! << 8) | p[3]!, body, view: new DataView(body.buffer, body.byteOffset, body.byteLength) };
}

/**
 * Requires `body` of a full box to hold at least `needed` bytes.
 * @throws TruncatedError otherwise
 */
export function requireBytes(box: Box, body: Uint8Array, needed: number): void {
  if (body.length < needed) throw new TruncatedError(`${STRUCTURE} '${box.type}'`, needed, body.length);
}

function checkRange(bytes: Uint8Array, offset: number, end: number): void {
  if (!Number.isInteger(offset) || !Number.isInteger(end) || offset < 0 || end > bytes.length || offset > end) {
    throw new InvalidFieldError(STRUCTURE, "range", `${offset}..${end} of ${bytes.length}`);
  }
}

function u32(b: Uint8Array, o: number): number {
  return b[o]! * 0x1000000 + ((b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!);
}
