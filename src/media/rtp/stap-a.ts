/**
 * Reading a single-time aggregation packet, STAP-A (RFC 6184 §5.7.1): a NAL unit header of
 * type 24, then one or more aggregation units, each a 16-bit big-endian NALU size and that
 * many bytes of NAL unit.
 */

import { InvalidFieldError, TruncatedError } from "../errors.ts";
import { STAP_A_HEADER_BYTES, STAP_A_SIZE_BYTES, isSingleNalType } from "./h264-rtp.ts";

/**
 * The NAL units of a STAP-A payload, in order.
 * @param payload the RTP payload, STAP-A header byte included
 * @returns fresh copies, each a whole NAL unit without start code
 * @throws TruncatedError when there is no aggregation unit, a NALU size field is cut short,
 *   or a size is 0 or runs past the end of the payload
 * @throws InvalidFieldError for an aggregated NAL unit whose type is not 1..23 (§5.7.1 forbids nesting)
 */
export function splitStapA(payload: Uint8Array): Uint8Array[] {
  const first = STAP_A_HEADER_BYTES + STAP_A_SIZE_BYTES;
  if (payload.length < first) throw new TruncatedError("H.264 STAP-A", first, payload.length);
  const out: Uint8Array[] = [];
  for (let o = STAP_A_HEADER_BYTES; o < payload.length; ) {
    if (o + STAP_A_SIZE_BYTES > payload.length) {
      throw new TruncatedError("H.264 STAP-A NALU size", STAP_A_SIZE_BYTES, payload.length - o);
    }
    const size = (payload[o]! << 8) | payload[o + 1]!;
    o += STAP_A_SIZE_BYTES;
    if (size === 0 || o + size > payload.length) {
      throw new TruncatedError("H.264 STAP-A NAL unit", Math.max(size, 1), payload.length - o);
    }
    const type = payload[o]! & 0x1f;
    if (!isSingleNalType(type)) throw new InvalidFieldError("H.264 STAP-A NAL unit", "nal_unit_type", type);
    out.push(payload.slice(o, o + size));
    o += size;
  }
  return out;
}
