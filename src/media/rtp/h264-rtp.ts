/**
 * RTP payload format for H.264 (RFC 6184), the parts packetizer and depacketizer share:
 * payload types of packetization-mode 1 (§5.2 Table 1, §6.3) and the 90 kHz RTP clock (§5.1).
 */

import { InvalidFieldError } from "../errors.ts";
import { NalType } from "../nal.ts";

/** First-byte type values of an H.264 RTP payload (RFC 6184 §5.2 Table 1). */
export const H264PayloadType = {
  /** Single-time aggregation packet, type A (§5.7.1). */
  STAP_A: 24,
  /** Fragmentation unit without DON (§5.8). */
  FU_A: 28,
} as const;

/** Bytes before the first aggregation unit of a STAP-A: its NAL unit header (§5.7.1). */
export const STAP_A_HEADER_BYTES = 1;
/** Bytes of the NALU size field in front of each NAL unit of a STAP-A (§5.7.1). */
export const STAP_A_SIZE_BYTES = 2;
/** Bytes of FU indicator plus FU header in front of each fragment of an FU-A (§5.8). */
export const FU_A_HEADER_BYTES = 2;
/** S bit of the FU header (§5.8): the first fragment of a NAL unit. */
export const FU_START = 0x80;
/** E bit of the FU header (§5.8): the last fragment of a NAL unit. */
export const FU_END = 0x40;

/**
 * Whether a nal_unit_type may be sent as a single NAL unit packet (§5.6): 1..23. Types 0 and
 * 24..31 are unspecified in ITU-T H.264 Table 7-1; RFC 6184 uses 24..31 for its own packets.
 */
export function isSingleNalType(type: number): boolean {
  return type >= 1 && type <= 23;
}

/** Whether a NAL unit is an SPS or PPS (types 7, 8), which go into a STAP-A when two or more fit. */
export function isParameterSet(nalu: Uint8Array): boolean {
  const t = nalu[0]! & 0x1f;
  return t === NalType.SPS || t === NalType.PPS;
}

/**
 * The RTP timestamp of a presentation time (§5.1: 90 kHz clock; RFC 3550 §5.1: modulo 2^32).
 * @param pts presentation time in 90 kHz ticks, any safe integer (negative ones too)
 * @param offset ticks added first, e.g. a random initial offset (RFC 3550 §5.1)
 * @returns 0..2^32-1
 * @throws InvalidFieldError when `pts + offset` is not a safe integer
 */
export function rtpTimestamp(pts: number, offset = 0): number {
  const t = pts + offset;
  if (!Number.isSafeInteger(t)) throw new InvalidFieldError("access unit", "pts", pts);
  const m = t % 0x1_0000_0000;
  return m < 0 ? m + 0x1_0000_0000 : m;
}
