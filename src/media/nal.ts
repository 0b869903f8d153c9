/**
 * NAL unit header (ITU-T H.264 §7.3.1, nal_unit_type semantics in Table 7-1).
 */

import { TruncatedError } from "./errors.ts";
import { type NalUnit, nalHeaderByte } from "./nal-unit.ts";

/** The nal_unit_type values camserver acts on (ITU-T H.264 Table 7-1). */
export const NalType = {
  /** Coded slice of a non-IDR picture. */
  NON_IDR: 1,
  /** Coded slice of an IDR picture: a keyframe. */
  IDR: 5,
  /** Supplemental enhancement information. */
  SEI: 6,
  /** Sequence parameter set. */
  SPS: 7,
  /** Picture parameter set. */
  PPS: 8,
  /** Access unit delimiter; first NAL unit of its access unit when present. */
  AUD: 9,
} as const;

/** One of the values of {@link NalType}. */
export type NalTypeValue = (typeof NalType)[keyof typeof NalType];

/**
 * nal_unit_type of a NAL unit: the low 5 bits of its first byte (§7.3.1).
 * @param nalu a NAL unit without start code or length prefix
 * @returns 0..31
 * @throws TruncatedError when `nalu` is empty
 */
export function nalType(nalu: NalUnit): number {
  const b = nalHeaderByte(nalu);
  if (b === undefined) throw new TruncatedError("NAL unit header", 1, 0);
  return b & 0x1f;
}

/**
 * Whether a nal_unit_type is a VCL NAL unit, i.e. carries slice data (types 1..5, §7.4.1).
 * @param type a nal_unit_type, 0..31
 */
export function isVcl(type: number): boolean {
  return type >= 1 && type <= 5;
}
