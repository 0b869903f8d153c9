/**
 * Base64 (RFC 4648 §4), the alphabet of SDP's sprop-parameter-sets (RFC 6184 §8.1) and of
 * HTTP/RTSP Basic credentials (RFC 7617 §2). Pure, no platform codecs.
 */

import { InvalidFieldError } from "./errors.ts";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const VALUES = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUES[ALPHABET.charCodeAt(i)] = i;
// RFC 4648 §5 URL-safe letters, which a few camera firmwares put into SDP.
VALUES["-".charCodeAt(0)] = 62;
VALUES["_".charCodeAt(0)] = 63;

/** Base64 text of `bytes`, with `=` padding (RFC 4648 §4). */
export function encodeBase64(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += ALPHABET[n >>> 18]! + ALPHABET[(n >>> 12) & 63]!;
    out += i + 1 < bytes.length ? ALPHABET[(n >>> 6) & 63]! : "=";
    out += i + 2 < bytes.length ? ALPHABET[n & 63]! : "=";
  }
  return out;
}

/**
 * The bytes of base64 text. Padding is optional and whitespace is skipped, as cameras write
 * both ways; the URL-safe letters `-` and `_` are accepted too (RFC 4648 §5).
 * @param structure names the field in errors, e.g. "SDP sprop-parameter-sets"
 * @throws InvalidFieldError for a character outside the alphabet, `=` before the end, or a
 *   length that leaves a single 6-bit group (no whole byte)
 */
export function decodeBase64(text: string, structure = "base64"): Uint8Array {
  const clean = text.replace(/[\s]+/g, "").replace(/=+$/, "");
  if (clean.length % 4 === 1) throw new InvalidFieldError(structure, "base64 length", clean.length);
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let acc = 0,
    bits = 0,
    o = 0;
  for (let i = 0; i < clean.length; i++) {
    const c = clean.charCodeAt(i);
    const v = c < 128 ? VALUES[c]! : -1;
    if (v < 0) throw new InvalidFieldError(structure, "base64 character", clean[i]!);
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >>> bits) & 0xff;
    }
  }
  return out;
}
