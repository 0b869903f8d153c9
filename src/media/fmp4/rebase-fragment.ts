/**
 * Re-bases stored movie fragments onto a new timeline, as a server that joins fragments of
 * several files into one stream must (MediaMTX's playback server does the same): the
 * `mfhd` sequence_number (ISO/IEC 14496-12 §8.8.5: increasing through the stream) and the
 * `tfdt` baseMediaDecodeTime (§8.8.12: the decode time of the fragment's first sample) of
 * every `moof` are rewritten in place. Sizes do not change, so byte offsets computed from
 * the stored files stay valid (Range requests over the joined stream).
 */

import { InvalidFieldError } from "../errors.ts";
import { childBoxes, readBoxes, readFullBox, requireBox, requireBytes } from "./box-reader.ts";

/** What {@link rebaseFragments} did. */
export interface RebaseResult {
  /** Movie fragments rewritten. */
  readonly fragments: number;
  /** The sequence number the next fragment should get. */
  readonly nextSequence: number;
}

/**
 * Rewrites, in place, every `moof` of `bytes` (one or more `moof` + `mdat` pairs): fragment
 * i gets sequence number `firstSequence + i`, and every track fragment's decode time is
 * moved by `shift` ticks (its new value is old + shift).
 * @param bytes fragments as stored; modified in place
 * @param shift ticks added to each tfdt; may be negative
 * @throws InvalidFieldError when a new decode time is negative, too large for its field
 *   (a version-0 `tfdt` holds 32 bits), or a sequence number exceeds 2^32 - 1
 * @throws TruncatedError, MissingBoxError from reading the boxes (nothing is changed then,
 *   except fragments before the broken one)
 */
export function rebaseFragments(bytes: Uint8Array, firstSequence: number, shift: number): RebaseResult {
  let seq = firstSequence;
  let fragments = 0;
  for (const top of readBoxes(bytes)) {
    if (top.type !== "moof") continue;
    if (!Number.isInteger(seq) || seq < 0 || seq > 0xffffffff) throw new InvalidFieldError("mfhd", "sequence_number", seq);
    const kids = childBoxes(top);
    const mfhd = requireBox(kids, "mfhd", "moof");
    const m = readFullBox(mfhd);
    requireBytes(mfhd, m.body, 4);
    m.view.setUint32(0, seq);
    for (const traf of kids) {
      if (traf.type !== "traf") continue;
      const tfdt = requireBox(childBoxes(traf), "tfdt", "traf");
      const t = readFullBox(tfdt);
      if (t.version === 1) {
        requireBytes(tfdt, t.body, 8);
        const v = t.view.getUint32(0) * 0x1_0000_0000 + t.view.getUint32(4) + shift;
        if (!Number.isSafeInteger(v) || v < 0) throw new InvalidFieldError("tfdt", "baseMediaDecodeTime", v);
        t.view.setUint32(0, Math.floor(v / 0x1_0000_0000));
        t.view.setUint32(4, v % 0x1_0000_0000);
      } else {
        requireBytes(tfdt, t.body, 4);
        const v = t.view.getUint32(0) + shift;
        if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new InvalidFieldError("tfdt", "baseMediaDecodeTime", v);
        t.view.setUint32(0, v);
      }
    }
    seq++;
    fragments++;
  }
  return { fragments, nextSequence: seq };
}

/**
 * The first `tfdt` baseMediaDecodeTime in `bytes` (the stored fragment's start), or
 * undefined when there is no `moof`.
 * @throws TruncatedError, MissingBoxError from reading the boxes
 */
export function firstDecodeTime(bytes: Uint8Array): number | undefined {
  const moof = readBoxes(bytes).find((b) => b.type === "moof");
  if (!moof) return undefined;
  const traf = requireBox(childBoxes(moof), "traf", "moof");
  const tfdt = requireBox(childBoxes(traf), "tfdt", "traf");
  const t = readFullBox(tfdt);
  requireBytes(tfdt, t.body, t.version === 1 ? 8 : 4);
  return t.version === 1 ? t.view.getUint32(0) * 0x1_0000_0000 + t.view.getUint32(4) : t.view.getUint32(0);
}
