/**
 * The AVC sample format (ISO/IEC 14496-15 §5.3, sample definition): an MP4 sample holds the NAL units of one
 * access unit, each preceded by its length in `lengthSizeMinusOne + 1` bytes, big-endian.
 * camserver always writes 4-byte lengths (the `avcC` it builds says lengthSizeMinusOne = 3).
 */

import { InvalidFieldError } from "../errors.ts";
import { type NalUnit, writeNal } from "../nal-unit.ts";

/** Bytes of each NAL unit length prefix in camserver's samples. */
export const NAL_LENGTH_BYTES = 4;

/**
 * A sample's NAL units, to be written in the AVC sample format straight into a fragment's
 * `mdat` (each after its 4-byte length): the bytes are copied once, into the fragment.
 */
export interface AvccNalUnits {
  /** NAL units of one access unit in decoding order, header byte included, none empty. */
  readonly nalus: readonly NalUnit[];
  /** Bytes of the sample as written: sum(4 + nalu.byteLength). */
  readonly byteLength: number;
}

/**
 * Checks NAL units for a sample and sums its size, without copying them.
 * @throws InvalidFieldError for an empty NAL unit (as {@link avccSample})
 */
export function avccNalUnits(nalus: readonly NalUnit[]): AvccNalUnits {
  return { nalus, byteLength: avccSize(nalus) };
}

function avccSize(nalus: readonly NalUnit[]): number {
  let size = 0;
  for (let i = 0; i < nalus.length; i++) {
    const n = nalus[i]!.byteLength;
    if (n === 0) throw new InvalidFieldError("AVC sample", `nalus[${i}].byteLength`, 0);
    size += NAL_LENGTH_BYTES + n;
  }
  return size;
}

/**
 * Converts NAL units (no start codes) to one AVCC sample payload with 4-byte lengths. Every
 * NAL unit is kept, parameter sets and access unit delimiters included.
 * @param nalus NAL units of one access unit in decoding order, header byte included
 * @returns a new buffer of sum(4 + nalu.byteLength) bytes
 * @throws InvalidFieldError for an empty NAL unit (a zero length would end the sample early
 *   for some readers, and a sample carries whole NAL units)
 */
export function avccSample(nalus: readonly NalUnit[]): Uint8Array {
  const out = new Uint8Array(avccSize(nalus));
  let o = 0;
  for (const nalu of nalus) {
    const n = nalu.byteLength;
    out[o] = n >>> 24;
    out[o + 1] = (n >>> 16) & 0xff;
    out[o + 2] = (n >>> 8) & 0xff;
    out[o + 3] = n & 0xff;
    o = writeNal(nalu, out, o + NAL_LENGTH_BYTES);
  }
  return out;
}
