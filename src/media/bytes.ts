/**
 * Big-endian integer reads and writes on `Uint8Array`, as used by FLV (Adobe FLV spec
 * v10.1 §E: "all integers are big-endian") and by ISO/IEC 14496-15 length prefixes.
 *
 * Callers check bounds first; these helpers do no checking of their own.
 */

/** Unsigned 16-bit big-endian value at `offset` (bytes). */
export function readU16(b: Uint8Array, offset: number): number {
  return (b[offset]! << 8) | b[offset + 1]!;
}

/** Unsigned 24-bit big-endian value at `offset` (bytes). */
export function readU24(b: Uint8Array, offset: number): number {
  return (b[offset]! << 16) | (b[offset + 1]! << 8) | b[offset + 2]!;
}

/** Signed (two's complement) 24-bit big-endian value at `offset` (bytes), FLV SI24. */
export function readS24(b: Uint8Array, offset: number): number {
  const u = readU24(b, offset);
  return u & 0x800000 ? u - 0x1000000 : u;
}

/** Unsigned 32-bit big-endian value at `offset` (bytes), 0 .. 2^32-1. */
export function readU32(b: Uint8Array, offset: number): number {
  return b[offset]! * 0x1000000 + readU24(b, offset + 1);
}

/** Unsigned big-endian value of `size` bytes (1..4) at `offset`: an AVC NAL unit length. */
export function readUN(b: Uint8Array, offset: number, size: number): number {
  let v = 0;
  for (let i = 0; i < size; i++) v = v * 256 + b[offset + i]!;
  return v;
}

/** Writes the low 16 bits of `v` big-endian at `offset` (bytes). */
export function writeU16(b: Uint8Array, offset: number, v: number): void {
  b[offset] = (v >>> 8) & 0xff;
  b[offset + 1] = v & 0xff;
}

/** Writes the low 24 bits of `v` big-endian at `offset`; negative `v` gives two's complement (SI24). */
export function writeU24(b: Uint8Array, offset: number, v: number): void {
  b[offset] = (v >>> 16) & 0xff;
  b[offset + 1] = (v >>> 8) & 0xff;
  b[offset + 2] = v & 0xff;
}

/** Writes `v` (0 .. 2^32-1) as 32 bits big-endian at `offset` (bytes). */
export function writeU32(b: Uint8Array, offset: number, v: number): void {
  b[offset] = (v >>> 24) & 0xff;
  writeU24(b, offset + 1, v);
}
