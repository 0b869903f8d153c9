/**
 * Reassembling a NAL unit from fragmentation units FU-A (RFC 6184 §5.8). Each FU-A payload is
 *
 * ```
 * FU indicator |F|NRI| 28 |   FU header |S|E|R| type |   a piece of the NAL unit, its header byte excluded
 * ```
 *
 * and the NAL unit header is rebuilt as F and NRI of the indicator with the type of the FU header.
 */

import { InvalidFieldError, TruncatedError } from "../errors.ts";
import { NalPieces } from "../nal-unit.ts";
import { FU_A_HEADER_BYTES, FU_END, FU_START, isSingleNalType } from "./h264-rtp.ts";

/** Collects the fragments of one NAL unit at a time; the caller bounds the total size. */
export class FuAAssembler {
  /** Fragments so far, the rebuilt NAL unit header byte first; undefined when none is open. */
  private parts: Uint8Array[] | undefined;

  /** Whether a fragmented NAL unit has started and not yet ended. */
  get open(): boolean {
    return this.parts !== undefined;
  }

  /** Forgets the open NAL unit, if any (after a loss). */
  reset(): void {
    this.parts = undefined;
  }

  /**
   * Adds one FU-A payload. Its bytes are copied.
   * @returns the whole NAL unit when this fragment has the E bit, else undefined
   * @throws TruncatedError for a payload without at least one byte of fragment
   * @throws InvalidFieldError for S and E both set, S set while a NAL unit is open, S clear with
   *   none open (a start fragment missing), a type not 1..23, or a type change mid-NAL unit
   */
  push(payload: Uint8Array): Uint8Array | undefined {
    if (payload.length <= FU_A_HEADER_BYTES) throw new TruncatedError("H.264 FU-A", FU_A_HEADER_BYTES + 1, payload.length);
    const fu = payload[1]!;
    const header = (payload[0]! & 0xe0) | (fu & 0x1f);
    if (fu & FU_START && fu & FU_END) throw new InvalidFieldError("H.264 FU-A", "S and E bits", "both 1");
    if (!isSingleNalType(fu & 0x1f)) throw new InvalidFieldError("H.264 FU-A", "type", fu & 0x1f);
    if (fu & FU_START) {
      if (this.parts) throw new InvalidFieldError("H.264 FU-A", "S bit", "1 while a fragmented NAL unit is open");
      this.parts = [Uint8Array.of(header)];
    } else if (!this.parts) {
      throw new InvalidFieldError("H.264 FU-A", "S bit", "0 without a start fragment");
    } else if ((this.parts[0]![0]! & 0x1f) !== (fu & 0x1f)) {
      throw new InvalidFieldError("H.264 FU-A", "type", fu & 0x1f);
    }
    this.parts.push(payload.slice(FU_A_HEADER_BYTES));
    if (!(fu & FU_END)) return undefined;
    const nalu = new NalPieces(
      this.parts,
      this.parts.reduce((n, p) => n + p.length, 0),
    ).bytes();
    this.parts = undefined;
    return nalu;
  }
}
