/**
 * Writes ISO base media file format boxes (ISO/IEC 14496-12 §4.2): a 32-bit size and a
 * four-character type, then the payload; a full box adds an 8-bit version and 24-bit flags.
 * Integers are big-endian. Sizes of nested boxes are patched when each box is closed.
 */

import { InvalidFieldError, TooLargeError } from "../errors.ts";

/** Bytes of a box header with a 32-bit size (§4.2: size, type). */
export const BOX_HEADER_BYTES = 8;
/** Bytes of a full box header (§4.2: size, type, version, flags). */
export const FULL_BOX_HEADER_BYTES = 12;
const TWO_32 = 0x1_0000_0000;

/**
 * Appends boxes and fields to one buffer that grows by doubling. Callers that know the
 * final size pass it as `capacity`, and no copy is ever made. Not reentrant.
 */
export class BoxWriter {
  private buf: Uint8Array;
  private view: DataView;
  /** Bytes written so far; the offset of the next write. */
  pos = 0;

  /**
   * @param capacity initial size of the buffer in bytes
   * @param into a buffer to write into instead of a new one (its old bytes are overwritten as
   *   writing goes; writing past its end moves on to a new buffer, as growing does)
   */
  constructor(capacity = 256, into?: Uint8Array) {
    this.buf = into ?? new Uint8Array(capacity);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  /** Opens a box of `type` (four ASCII characters); returns its offset for {@link close}. */
  open(type: string): number {
    const start = this.pos;
    this.u32(0); // size, patched by close()
    this.fourcc(type);
    return start;
  }

  /** Opens a full box (§4.2 FullBox) with `version` (0..255) and `flags` (24 bits). */
  openFull(type: string, version: number, flags: number): number {
    const start = this.open(type);
    this.u32(((version & 0xff) << 24) | (flags & 0xffffff));
    return start;
  }

  /**
   * Closes the box opened at `start` by writing its size.
   * @throws TooLargeError when the box exceeds 2^32 - 1 bytes (would need a 64-bit largesize)
   */
  close(start: number): void {
    const size = this.pos - start;
    if (size >= TWO_32) throw new TooLargeError("ISOBMFF box", size, TWO_32 - 1);
    this.view.setUint32(start, size);
  }

  /**
   * Four ASCII characters, e.g. a box type or a brand.
   * @throws InvalidFieldError when `s` is not four characters long
   */
  fourcc(s: string): void {
    this.ensure(4);
    if (s.length !== 4) throw new InvalidFieldError("ISOBMFF", "four-character code", s);
    for (let i = 0; i < 4; i++) this.buf[this.pos + i] = s.charCodeAt(i) & 0xff;
    this.pos += 4;
  }

  /** Unsigned 8 bits; `v` is taken modulo 2^8. */
  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v & 0xff;
  }

  /** Unsigned 16 bits, big-endian; `v` is taken modulo 2^16. */
  u16(v: number): void {
    this.ensure(2);
    this.view.setUint16(this.pos, v & 0xffff);
    this.pos += 2;
  }

  /** Unsigned 32 bits; `v` is taken modulo 2^32. */
  u32(v: number): void {
    this.ensure(4);
    this.view.setUint32(this.pos, v >>> 0);
    this.pos += 4;
  }

  /** Signed 32 bits, two's complement. */
  i32(v: number): void {
    this.ensure(4);
    this.view.setInt32(this.pos, v | 0);
    this.pos += 4;
  }

  /** Unsigned 64 bits from a safe integer 0 .. 2^53 - 1 (written as two 32-bit halves). */
  u64(v: number): void {
    this.u32(Math.floor(v / TWO_32));
    this.u32(v % TWO_32);
  }

  /** `n` zero bytes (reserved and pre_defined fields). */
  zeros(n: number): void {
    this.ensure(n);
    this.buf.fill(0, this.pos, this.pos + n);
    this.pos += n;
  }

  /** Copies `b` in. */
  bytes(b: Uint8Array): void {
    this.ensure(b.byteLength);
    this.buf.set(b, this.pos);
    this.pos += b.byteLength;
  }

  /** The bytes written: the buffer itself when it is exactly full, else a view of its start. */
  finish(): Uint8Array {
    return this.pos === this.buf.byteLength ? this.buf : this.buf.subarray(0, this.pos);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.byteLength) return;
    const next = new Uint8Array(Math.max(this.buf.byteLength * 2, this.pos + n));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
}
