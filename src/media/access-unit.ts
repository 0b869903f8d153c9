/**
 * The access unit: all NAL units of one picture, the unit that flows through a
 * camera pipeline (ITU-T H.264 §7.4.1.2.3).
 */

import type { NalUnit } from "./nal-unit.ts";

/** One picture's NAL units with its timing. */
export interface AccessUnit {
  /**
   * NAL units in decoding order, each without start code or length prefix; a slice from RTP
   * FU-A may be in pieces (`NalPieces`: read it with `nalBytes`, `writeNal`, `nalHeaderByte`).
   */
  readonly nalus: readonly NalUnit[];
  /** Decoding timestamp in 90 kHz ticks; non-decreasing within one source session. */
  readonly dts: number;
  /** Presentation timestamp in 90 kHz ticks (equals `dts` for streams without B-frames). */
  readonly pts: number;
  /** True when the access unit holds an IDR slice (nal_unit_type 5). */
  readonly isKeyframe: boolean;
}

/** Total payload size of an access unit in bytes, start codes excluded. */
export function accessUnitBytes(au: AccessUnit): number {
  let n = 0;
  for (const nalu of au.nalus) n += nalu.byteLength;
  return n;
}
