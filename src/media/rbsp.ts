/**
 * NAL unit payload to RBSP: removal of emulation_prevention_three_byte
 * (ITU-T H.264 §7.3.1 nal_unit syntax, §7.4.1.1).
 */

/**
 * The RBSP of a NAL unit payload: every 0x03 that follows two zero bytes is removed
 * (0x000003 -> 0x0000), which undoes the encoder's emulation prevention.
 * @param payload bytes after the NAL unit header (or a whole NAL unit: the header byte is
 *   never part of a 0x0000 prefix, so the result is the same)
 * @returns `payload` itself when it holds no emulation prevention byte, otherwise a new buffer
 */
export function unescapeRbsp(payload: Uint8Array): Uint8Array {
  let first = -1;
  for (let i = 2; i < payload.length; i++) {
    if (payload[i] === 3 && payload[i - 1] === 0 && payload[i - 2] === 0) {
      first = i;
      break;
    }
  }
  if (first < 0) return payload;
  const out = new Uint8Array(payload.length);
  out.set(payload.subarray(0, first));
  let o = first;
  let zeros = 0;
  for (let i = first + 1; i < payload.length; i++) {
    const b = payload[i]!;
    if (b === 3 && zeros >= 2) {
      zeros = 0;
      continue;
    }
    zeros = b === 0 ? zeros + 1 : 0;
    out[o++] = b;
  }
  return out.subarray(0, o);
}
