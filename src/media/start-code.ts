/**
 * Start code search shared by the Annex B splitters (ITU-T H.264 Annex B, §B.1 and §B.2).
 */

/**
 * Offset of the first 3-byte start code prefix 0x000001 at or after `from` that ends before
 * `end`, or -1. Emulation prevention (§7.4.1) guarantees the pattern never occurs inside a
 * NAL unit.
 */
export function findStartCode(b: Uint8Array, from: number, end: number): number {
  let i = from;
  while (i + 2 < end) {
    const c = b[i + 2]!;
    if (c > 1)
      i += 3; // no start code can begin at i, i+1 or i+2
    else if (c === 1 && b[i + 1] === 0 && b[i] === 0) return i;
    else i++;
  }
  return -1;
}

/** Copies `b[start, end)` with trailing zero bytes trimmed into `out`, unless it is empty. */
export function emitNalu(b: Uint8Array, start: number, end: number, out: Uint8Array[]): void {
  let e = end;
  while (e > start && b[e - 1] === 0) e--;
  if (e > start) out.push(b.slice(start, e));
}
