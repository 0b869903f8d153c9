/**
 * Groups a stream of H.264 NAL units (from an Annex B byte stream) into access units by
 * the rule of ITU-T H.264 §7.4.1.2.3: after a VCL NAL unit, an access unit delimiter,
 * SPS, PPS, SEI or a NAL unit of type 14..18 starts the next access unit, and so does a VCL
 * NAL unit that begins a new primary coded picture. The latter is detected by
 * first_mb_in_slice == 0 (§7.4.1.2.4), which holds for streams without arbitrary slice
 * order (every profile camserver serves: Baseline without ASO, Main, High).
 */

import { TooLargeError } from "./errors.ts";
import { isVcl, NalType } from "./nal.ts";

/** One access unit's NAL units, without timing. */
export interface AssembledAccessUnit {
  readonly nalus: Uint8Array[];
  /** Holds an IDR slice (nal_unit_type 5). */
  readonly isKeyframe: boolean;
}

/** Options of {@link AccessUnitAssembler}. */
export interface AccessUnitAssemblerOptions {
  /** Most NAL units one access unit may have. @defaultValue 1024 */
  readonly maxNalus?: number;
}

function startsAccessUnit(type: number): boolean {
  return type === NalType.AUD || type === NalType.SPS || type === NalType.PPS || type === NalType.SEI || (type >= 14 && type <= 18);
}

/** Collects NAL units until the next access unit begins. */
export class AccessUnitAssembler {
  private nalus: Uint8Array[] = [];
  private sawVcl = false;
  private keyframe = false;
  private readonly maxNalus: number;

  constructor(opts: AccessUnitAssemblerOptions = {}) {
    this.maxNalus = opts.maxNalus ?? 1024;
  }

  /**
   * Adds the next NAL unit (without start code; empty ones are ignored).
   * @returns the access unit it completed, if any
   * @throws TooLargeError when an access unit exceeds `maxNalus` (it is dropped)
   */
  push(nalu: Uint8Array): AssembledAccessUnit | undefined {
    if (nalu.length === 0) return undefined;
    const type = nalu[0]! & 0x1f;
    const vcl = isVcl(type);
    let done: AssembledAccessUnit | undefined;
    // first_mb_in_slice is ue(v): 0 is the single bit 1, the first bit after the header byte.
    const newPicture = vcl && nalu.length > 1 && (nalu[1]! & 0x80) !== 0;
    if (this.sawVcl && (startsAccessUnit(type) || newPicture)) done = this.flush();
    if (this.nalus.length >= this.maxNalus) {
      const n = this.nalus.length + 1;
      this.reset();
      throw new TooLargeError("access unit NAL unit count", n, this.maxNalus);
    }
    this.nalus.push(nalu);
    if (vcl) this.sawVcl = true;
    if (type === NalType.IDR) this.keyframe = true;
    return done;
  }

  /** Ends the stream: the access unit being collected, if it has a slice. */
  flush(): AssembledAccessUnit | undefined {
    const au = this.sawVcl ? { nalus: this.nalus, isKeyframe: this.keyframe } : undefined;
    this.reset();
    return au;
  }

  private reset(): void {
    this.nalus = [];
    this.sawVcl = false;
    this.keyframe = false;
  }
}
