/**
 * Incremental H.264 Annex B splitter for byte streams that arrive in chunks
 * (ITU-T H.264 Annex B, §B.1 byte stream NAL unit syntax). Also exported from `annexb.ts`.
 */

import { InvalidFieldError, TooLargeError } from "./errors.ts";
import { emitNalu, findStartCode } from "./start-code.ts";

/** Default bound of {@link AnnexBSplitterOptions.maxNaluBytes}: 16 MiB. */
export const DEFAULT_MAX_NALU_BYTES = 16 * 1024 * 1024;

/** Options of {@link AnnexBSplitter}. */
export interface AnnexBSplitterOptions {
  /**
   * Largest NAL unit, in bytes, the splitter buffers while waiting for the next start code.
   * @defaultValue 16 MiB ({@link DEFAULT_MAX_NALU_BYTES})
   */
  readonly maxNaluBytes?: number;
}

/**
 * Incremental Annex B splitter (§B.1) for byte streams that arrive in chunks of any size.
 * A NAL unit is complete when the start code after it has been seen; {@link flush} returns
 * the last one at end of stream. Bytes before the first start code are discarded, so a
 * reader may join a stream in the middle of a NAL unit. As with `splitAnnexB`, trailing
 * zero bytes are trimmed, empty NAL units dropped, and every NAL unit returned is a fresh
 * copy. Memory is bounded by `maxNaluBytes` plus one chunk.
 */
export class AnnexBSplitter {
  private readonly maxNaluBytes: number;
  private buf = new Uint8Array(0);
  /** Bytes of `buf` in use. */
  private len = 0;
  /** Offset in `buf` of the NAL unit being collected; -1 before the first start code. */
  private nalStart = -1;
  /** Offset in `buf` where the start-code search resumes. */
  private scan = 0;

  /** @throws InvalidFieldError when `maxNaluBytes` is not a positive integer */
  constructor(options: AnnexBSplitterOptions = {}) {
    const max = options.maxNaluBytes ?? DEFAULT_MAX_NALU_BYTES;
    if (!Number.isSafeInteger(max) || max <= 0) {
      throw new InvalidFieldError("AnnexBSplitterOptions", "maxNaluBytes", max);
    }
    this.maxNaluBytes = max;
  }

  /**
   * Adds a chunk of the byte stream. The chunk is copied; the caller may reuse it at once.
   * @returns the NAL units completed by this chunk, as fresh copies without start codes
   * @throws TooLargeError when the NAL unit being collected exceeds `maxNaluBytes`; that NAL
   *   unit is dropped and the splitter resynchronises at the next start code
   */
  push(chunk: Uint8Array): Uint8Array[] {
    this.append(chunk);
    const out: Uint8Array[] = [];
    let at: number;
    while ((at = findStartCode(this.buf, this.scan, this.len)) >= 0) {
      if (this.nalStart >= 0) emitNalu(this.buf, this.nalStart, at, out);
      this.nalStart = at + 3;
      this.scan = at + 3;
    }
    this.scan = Math.max(this.scan, this.len - 2);
    // Drop what is no longer needed: garbage before the first start code, or complete NAL units.
    const keep = this.nalStart >= 0 ? this.nalStart : this.scan;
    if (keep > 0) {
      this.buf.copyWithin(0, keep, this.len);
      this.len -= keep;
      this.scan -= keep;
      if (this.nalStart >= 0) this.nalStart = 0;
    }
    if (this.nalStart >= 0 && this.len - this.nalStart > this.maxNaluBytes) {
      const size = this.len - this.nalStart;
      this.reset();
      throw new TooLargeError("Annex B NAL unit", size, this.maxNaluBytes);
    }
    return out;
  }

  /**
   * Ends the stream: returns the NAL unit still being collected (if any) and resets the
   * splitter to its initial state.
   * @returns zero or one NAL unit, as a fresh copy
   */
  flush(): Uint8Array[] {
    const out: Uint8Array[] = [];
    if (this.nalStart >= 0) emitNalu(this.buf, this.nalStart, this.len, out);
    this.reset();
    return out;
  }

  private reset(): void {
    this.len = 0;
    this.nalStart = -1;
    this.scan = 0;
  }

  private append(chunk: Uint8Array): void {
    const need = this.len + chunk.byteLength;
    if (need > this.buf.length) {
      const grown = new Uint8Array(Math.max(need, this.buf.length * 2, 4096));
      grown.set(this.buf.subarray(0, this.len));
      this.buf = grown;
    }
    this.buf.set(chunk, this.len);
    this.len = need;
  }
}
