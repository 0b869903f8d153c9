/**
 * H.264 Annex B byte streams: NAL units separated by start codes 0x000001 or 0x00000001
 * (ITU-T H.264 Annex B, §B.1 byte stream NAL unit syntax, §B.2 semantics).
 *
 * Every NAL unit returned here is a fresh copy: it never aliases the caller's input or a
 * buffer this module reuses. Trailing zero bytes (trailing_zero_8bits, and the first byte
 * of a following 4-byte start code) are trimmed; NAL units left empty are dropped.
 */

import { type Allocate, bytesFor } from "./buffer-pool.ts";
import { InvalidFieldError } from "./errors.ts";
import { type NalUnit, writeNal } from "./nal-unit.ts";
import { emitNalu, findStartCode } from "./start-code.ts";

export { AnnexBSplitter, type AnnexBSplitterOptions, DEFAULT_MAX_NALU_BYTES } from "./annexb-splitter.ts";

const START_CODE = new Uint8Array([0, 0, 0, 1]);

/**
 * Splits a complete Annex B byte stream into its NAL units (§B.1).
 * @param bytes zero bytes, then a start code (3 or 4 bytes), then NAL units each followed
 *   by the next start code or the end of the input
 * @returns the NAL units in order, without start codes, as fresh copies; [] for empty or all-zero input
 * @throws InvalidFieldError when a non-zero byte comes before the first start code
 *   (§B.2 allows only leading_zero_8bits there)
 */
export function splitAnnexB(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = findStartCode(bytes, 0, bytes.length);
  const lead = at < 0 ? bytes.length : at;
  for (let i = 0; i < lead; i++) {
    if (bytes[i] !== 0) throw new InvalidFieldError("Annex B byte stream", "leading_zero_8bits", bytes[i]!);
  }
  if (at < 0) return out;
  let start = at + 3;
  while ((at = findStartCode(bytes, start, bytes.length)) >= 0) {
    emitNalu(bytes, start, at, out);
    start = at + 3;
  }
  emitNalu(bytes, start, bytes.length, out);
  return out;
}

/**
 * Joins NAL units into an Annex B byte stream (§B.1), each preceded by a 4-byte start code.
 * @param nalus NAL units without start codes
 * @param allocate where the bytes go (`bytesFor`); a new buffer of exactly their size by default
 * @returns sum(4 + nalu.byteLength) bytes
 * @throws RangeError when `allocate` gives a buffer smaller than it was asked for
 */
export function toAnnexB(nalus: readonly NalUnit[], allocate?: Allocate): Uint8Array {
  let size = 0;
  for (const n of nalus) size += 4 + n.byteLength;
  const out = bytesFor(size, allocate);
  let o = 0;
  for (const n of nalus) {
    out.set(START_CODE, o);
    o = writeNal(n, out, o + 4);
  }
  return out;
}
