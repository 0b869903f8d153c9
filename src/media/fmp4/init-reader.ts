/**
 * Reads an H.264 initialization segment back: brands (ISO/IEC 14496-12 §4.3), the first
 * video track's track_ID (§8.3.2), timescale (§8.4.2), size (§12.1.3) and parameter sets
 * (ISO/IEC 14496-15 §5.4.2 avcC), and its `trex` defaults (§8.8.3). For tests and for
 * recordings read back; only the first `trak` is looked at.
 */

import { type AvcConfig, parseAvcConfig } from "../avc-config.ts";
import { InvalidFieldError } from "../errors.ts";
import { type Box, childBoxes, findBox, readBoxes, readFullBox, requireBox, requireBytes } from "./box-reader.ts";
import type { TrackDefaults } from "./fragment-reader.ts";

/** What {@link readInitSegment} finds. */
export interface InitSegmentInfo {
  readonly majorBrand: string;
  readonly compatibleBrands: string[];
  readonly trackId: number;
  /** Ticks per second of the track (mdhd). */
  readonly timescale: number;
  /** Sample entry type, e.g. "avc1". */
  readonly codec: string;
  /** Width and height of the sample entry, pixels. */
  readonly width: number;
  readonly height: number;
  /** The parsed avcC. */
  readonly avcConfig: AvcConfig;
  /** Defaults of the track's `trex`, for `readFragments`; all 0 without `mvex`. */
  readonly defaults: TrackDefaults;
}

/** Bytes of a VisualSampleEntry before its child boxes (§8.5.2.2 SampleEntry, §12.1.3.2). */
const VISUAL_SAMPLE_ENTRY_BYTES = 78;

/**
 * Reads the `ftyp` and `moov` of an initialization segment (or of a whole fragmented file).
 * @throws MissingBoxError when `ftyp`, `moov`, a box on the path to `avcC`, or `avcC` is absent
 * @throws TruncatedError, InvalidFieldError or TooLargeError for malformed boxes or avcC
 */
export function readInitSegment(bytes: Uint8Array): InitSegmentInfo {
  const top = readBoxes(bytes);
  const ftyp = requireBox(top, "ftyp", "file");
  requireBytes(ftyp, ftyp.payload, 8);
  const compatibleBrands: string[] = [];
  for (let o = 8; o + 4 <= ftyp.payload.length; o += 4) compatibleBrands.push(fourcc(ftyp.payload, o));
  const moov = childBoxes(requireBox(top, "moov", "file"));
  const trak = childBoxes(requireBox(moov, "trak", "moov"));
  const tkhdBox = requireBox(trak, "tkhd", "trak");
  const tkhd = readFullBox(tkhdBox);
  const idAt = tkhd.version === 1 ? 16 : 8; // after creation_time and modification_time
  requireBytes(tkhdBox, tkhd.body, idAt + 4);
  const trackId = tkhd.view.getUint32(idAt);

  const mdia = childBoxes(requireBox(trak, "mdia", "trak"));
  const mdhdBox = requireBox(mdia, "mdhd", "mdia");
  const mdhd = readFullBox(mdhdBox);
  const scaleAt = mdhd.version === 1 ? 16 : 8;
  requireBytes(mdhdBox, mdhd.body, scaleAt + 4);
  const timescale = mdhd.view.getUint32(scaleAt);
  if (timescale === 0) throw new InvalidFieldError("mdhd", "timescale", 0);

  const minf = childBoxes(requireBox(mdia, "minf", "mdia"));
  const stbl = childBoxes(requireBox(minf, "stbl", "minf"));
  const stsd = requireBox(stbl, "stsd", "stbl");
  const entry = childBoxes(stsd, 8)[0];
  if (entry === undefined) throw new InvalidFieldError("stsd", "entry_count", 0);
  requireBytes(entry, entry.payload, VISUAL_SAMPLE_ENTRY_BYTES);
  const view = new DataView(entry.payload.buffer, entry.payload.byteOffset, entry.payload.byteLength);
  const avcC = requireBox(childBoxes(entry, VISUAL_SAMPLE_ENTRY_BYTES), "avcC", entry.type);

  return {
    majorBrand: fourcc(ftyp.payload, 0),
    compatibleBrands,
    trackId,
    timescale,
    codec: entry.type,
    width: view.getUint16(24),
    height: view.getUint16(26),
    avcConfig: parseAvcConfig(avcC.payload),
    defaults: trexDefaults(moov, trackId),
  };
}

function trexDefaults(moov: Box[], trackId: number): TrackDefaults {
  const mvex = findBox(moov, "mvex");
  if (mvex === undefined) return { duration: 0, size: 0, flags: 0 };
  for (const box of childBoxes(mvex)) {
    if (box.type !== "trex") continue;
    const trex = readFullBox(box);
    requireBytes(box, trex.body, 20);
    if (trex.view.getUint32(0) !== trackId) continue;
    return { duration: trex.view.getUint32(8), size: trex.view.getUint32(12), flags: trex.view.getUint32(16) };
  }
  return { duration: 0, size: 0, flags: 0 };
}

function fourcc(b: Uint8Array, o: number): string {
  return String.fromCharCode(b[o]!, b[o + 1]!, b[o + 2]!, b[o + 3]!);
}
