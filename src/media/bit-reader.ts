/**
 * MSB-first bit reader over an RBSP with the descriptors of ITU-T H.264 §7.2: u(n), ue(v)
 * and se(v) (exp-Golomb, §9.1).
 */

import { InvalidFieldError, TruncatedError } from "./errors.ts";

/** Reads bits in order from a buffer; every read past the end throws `TruncatedError`. */
export class BitReader {
  private pos = 0;

  /**
   * @param data the RBSP (emulation prevention bytes already removed)
   * @param structure name used in errors, e.g. "SPS"
   */
  constructor(
    private readonly data: Uint8Array,
    private readonly structure: string,
  ) {}

  /**
   * u(n): the next `n` bits as an unsigned integer (§7.2).
   * @param n 0..32
   * @throws TruncatedError when fewer than `n` bits are left
   */
  u(n: number): number {
    this.need(n);
    let v = 0;
    for (let i = 0; i < n; i++) {
      const p = this.pos++;
      v = v * 2 + ((this.data[p >>> 3]! >>> (7 - (p & 7))) & 1);
    }
    return v;
  }

  /** u(1) as a boolean. @throws TruncatedError at the end of the data */
  flag(): boolean {
    return this.u(1) === 1;
  }

  /** Skips `n` bits. @throws TruncatedError when fewer than `n` bits are left */
  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }

  /**
   * ue(v): unsigned exp-Golomb code (§9.1), 0 .. 2^32-2.
   * @throws TruncatedError when the code runs past the end
   * @throws InvalidFieldError when it has more than 31 leading zero bits
   */
  ue(): number {
    let zeros = 0;
    while (this.u(1) === 0) {
      if (++zeros > 31) throw new InvalidFieldError(this.structure, "exp-Golomb leading zeros", zeros);
    }
    return 2 ** zeros - 1 + this.u(zeros);
  }

  /**
   * se(v): signed exp-Golomb code (§9.1.1): 1, -1, 2, -2, ... for codeNum 1, 2, 3, 4, ...
   * @throws TruncatedError or InvalidFieldError as {@link ue}
   */
  se(): number {
    const k = this.ue();
    return k % 2 === 1 ? (k + 1) / 2 : -(k / 2);
  }

  private need(n: number): void {
    const left = this.data.length * 8 - this.pos;
    if (n > left) {
      throw new TruncatedError(this.structure, Math.ceil((this.pos + n) / 8), this.data.length);
    }
  }
}
