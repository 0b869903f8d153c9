/**
 * The MD5 message digest (RFC 1321), for HTTP/RTSP Digest authentication (RFC 2617 §3.2.2,
 * RFC 7616 §3.4.1), where MD5 is the algorithm cameras still use. Not for anything that needs
 * collision resistance. Pure: 32-bit arithmetic on `Uint8Array`, no platform crypto.
 */

/** Per-round shift amounts (RFC 1321 §3.4, the S11..S44 constants). */
const SHIFTS = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];

/** T[i] = floor(abs(sin(i + 1)) * 2^32), i = 0..63 (RFC 1321 §3.4). */
const T = Uint32Array.from({ length: 64 }, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 0x1_0000_0000));

/**
 * The 16-byte MD5 digest of `message` (RFC 1321 §3.1-§3.5).
 * @param message any bytes, up to 2^53 - 1 bits long
 * @returns a new 16-byte array, A B C D little-endian (§3.5)
 */
export function md5(message: Uint8Array): Uint8Array {
  // §3.1-§3.2: pad with 0x80, zeros to 56 mod 64, then the bit length as 64 bits little-endian.
  const padded = new Uint8Array(((message.length + 8) >>> 6) * 64 + 64);
  padded.set(message);
  padded[message.length] = 0x80;
  const bits = message.length * 8;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, bits >>> 0, true);
  view.setUint32(padded.length - 4, Math.floor(bits / 0x1_0000_0000), true);

  let a0 = 0x67452301,
    b0 = 0xefcdab89,
    c0 = 0x98badcfe,
    d0 = 0x10325476; // §3.3
  const x = new Uint32Array(16);
  for (let block = 0; block < padded.length; block += 64) {
    for (let j = 0; j < 16; j++) x[j] = view.getUint32(block + j * 4, true);
    let a = a0,
      b = b0,
      c = c0,
      d = d0;
    for (let i = 0; i < 64; i++) {
      const round = i >>> 4;
      let f: number, g: number;
      if (round === 0) [f, g] = [(b & c) | (~b & d), i];
      else if (round === 1) [f, g] = [(d & b) | (~d & c), (5 * i + 1) & 15];
      else if (round === 2) [f, g] = [b ^ c ^ d, (3 * i + 5) & 15];
      else [f, g] = [c ^ (b | ~d), (7 * i) & 15];
      const sum = (a + f + T[i]! + x[g]!) | 0;
      const s = SHIFTS[round * 4 + (i & 3)]!;
      a = d;
      d = c;
      c = b;
      b = (b + ((sum << s) | (sum >>> (32 - s)))) | 0;
    }
    a0 = (a0 + a) | 0;
    b0 = (b0 + b) | 0;
    c0 = (c0 + c) | 0;
    d0 = (d0 + d) | 0;
  }
  const out = new Uint8Array(16);
  const o = new DataView(out.buffer);
  o.setUint32(0, a0 >>> 0, true);
  o.setUint32(4, b0 >>> 0, true);
  o.setUint32(8, c0 >>> 0, true);
  o.setUint32(12, d0 >>> 0, true);
  return out;
}

const encoder = new TextEncoder();

/**
 * MD5 of a string's UTF-8 bytes as 32 lowercase hex digits, the form Digest authentication
 * puts into `response` (RFC 2617 §3.2.2: H(data) = MD5(data) in lowercase hex).
 */
export function md5Hex(text: string): string {
  let hex = "";
  for (const byte of md5(encoder.encode(text))) hex += byte.toString(16).padStart(2, "0");
  return hex;
}
