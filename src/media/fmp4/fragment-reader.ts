/**
 * Reads movie fragments back (ISO/IEC 14496-12 §8.8.4 moof, §8.8.5 mfhd, §8.8.6 traf,
 * §8.8.7 tfhd, §8.8.12 tfdt, §8.8.8 trun): the samples of each track fragment with their
 * durations, sizes, flags, composition offsets and data. For tests, for recordings, and for
 * fragments written by others (FFmpeg), so the `tfhd` defaults, the `trex` defaults and
 * every optional `trun` field are honoured.
 */

import { InvalidFieldError, TooLargeError, TruncatedError } from "../errors.ts";
import { type Box, childBoxes, readBoxes, readFullBox, requireBox, requireBytes } from "./box-reader.ts";
import { NON_SYNC_BIT, TfhdFlags, TrunFlags } from "./sample-flags.ts";

/** Defaults a `trex` gives for a track (§8.8.3); all 0 when unknown. */
export interface TrackDefaults {
  readonly duration: number;
  readonly size: number;
  readonly flags: number;
}

/** One sample read back from a `trun`. */
export interface FragmentSample {
  /** The sample's bytes: a view of the input, not a copy. */
  readonly data: Uint8Array;
  /** Offset of `data` in the input bytes. */
  readonly offset: number;
  /** Duration in track ticks. */
  readonly duration: number;
  /** The sample_flags word (§8.8.3.1). */
  readonly flags: number;
  /** True when sample_is_non_sync_sample is clear. */
  readonly isSync: boolean;
  /** pts - dts in track ticks (0 when the trun has none). */
  readonly compositionOffset: number;
}

/** One `traf`: a track's run of samples in a fragment. */
export interface TrackFragment {
  readonly trackId: number;
  /** tfdt baseMediaDecodeTime, track ticks. */
  readonly baseDecodeTime: number;
  readonly samples: FragmentSample[];
}

/** One movie fragment (`moof` and the data it points at). */
export interface MovieFragment {
  /** Offset of the `moof` in the input bytes. */
  readonly offset: number;
  /** mfhd sequence_number. */
  readonly sequenceNumber: number;
  readonly tracks: TrackFragment[];
}

/** Options of {@link readFragments}. */
export interface FragmentReadOptions {
  /** Defaults of the init segment's `trex` (see `readInitSegment`). @defaultValue all 0 */
  readonly defaults?: TrackDefaults;
  /** Most samples accepted in one `trun` (bounds memory when sizes come from defaults). @defaultValue 65536 */
  readonly maxSamples?: number;
}

const NO_DEFAULTS: TrackDefaults = { duration: 0, size: 0, flags: 0 };

/**
 * Reads every movie fragment among the top-level boxes of `bytes`: one fragment
 * ([`styp`] `moof` `mdat`), a run of them, or a whole file with its init segment first.
 * Sample data is located by the `tfhd`/`trun` offsets relative to `bytes`.
 * @throws TruncatedError, InvalidFieldError, TooLargeError from the box reader or for sample
 *   data outside `bytes`; MissingBoxError when a `moof` lacks `mfhd`, or a `traf` its `tfhd`
 *   or `tfdt`
 */
export function readFragments(bytes: Uint8Array, options: FragmentReadOptions = {}): MovieFragment[] {
  const out: MovieFragment[] = [];
  for (const box of readBoxes(bytes)) if (box.type === "moof") out.push(readMovieFragment(bytes, box, options));
  return out;
}

/**
 * Reads one `moof`, found at `moof.offset` in `bytes`, and the sample data it points at.
 * @throws the errors of {@link readFragments}
 */
export function readMovieFragment(bytes: Uint8Array, moof: Box, options: FragmentReadOptions = {}): MovieFragment {
  const children = childBoxes(moof);
  const mfhdBox = requireBox(children, "mfhd", "moof");
  const mfhd = readFullBox(mfhdBox);
  requireBytes(mfhdBox, mfhd.body, 4);
  const tracks: TrackFragment[] = [];
  let nextBase = moof.offset; // §8.8.7.1: without base offsets the first traf's base is the moof
  for (const traf of children) {
    if (traf.type !== "traf") continue;
    const t = readTrackFragment(bytes, traf, moof.offset, nextBase, options);
    tracks.push(t.track);
    nextBase = t.dataEnd;
  }
  return { offset: moof.offset, sequenceNumber: mfhd.view.getUint32(0), tracks };
}

function readTrackFragment(
  bytes: Uint8Array,
  traf: Box,
  moofOffset: number,
  implicitBase: number,
  options: FragmentReadOptions,
): { track: TrackFragment; dataEnd: number } {
  const children = childBoxes(traf);
  const tfhdBox = requireBox(children, "tfhd", "traf");
  const tfhd = readFullBox(tfhdBox);
  const f = tfhd.flags;
  let at = 4;
  const field = (present: number, size: 4 | 8): number | undefined => {
    if ((f & present) === 0) return undefined;
    requireBytes(tfhdBox, tfhd.body, at + size);
    const v = size === 8 ? u64(tfhd.view, at) : tfhd.view.getUint32(at);
    at += size;
    return v;
  };
  requireBytes(tfhdBox, tfhd.body, 4);
  const trackId = tfhd.view.getUint32(0);
  const baseDataOffset = field(TfhdFlags.BASE_DATA_OFFSET, 8);
  field(TfhdFlags.SAMPLE_DESCRIPTION_INDEX, 4);
  const dflt = options.defaults ?? NO_DEFAULTS;
  const defaults = {
    duration: field(TfhdFlags.DEFAULT_SAMPLE_DURATION, 4) ?? dflt.duration,
    size: field(TfhdFlags.DEFAULT_SAMPLE_SIZE, 4) ?? dflt.size,
    flags: field(TfhdFlags.DEFAULT_SAMPLE_FLAGS, 4) ?? dflt.flags,
  };
  const base = baseDataOffset ?? (f & TfhdFlags.DEFAULT_BASE_IS_MOOF ? moofOffset : implicitBase);

  const tfdtBox = requireBox(children, "tfdt", "traf");
  const tfdt = readFullBox(tfdtBox);
  requireBytes(tfdtBox, tfdt.body, tfdt.version === 1 ? 8 : 4);
  const baseDecodeTime = tfdt.version === 1 ? u64(tfdt.view, 0) : tfdt.view.getUint32(0);

  const samples: FragmentSample[] = [];
  let pos = base;
  for (const box of children) if (box.type === "trun") pos = readTrun(bytes, box, base, pos, defaults, samples, options);
  return { track: { trackId, baseDecodeTime, samples }, dataEnd: pos };
}

/** Appends the samples of one `trun` (§8.8.8.2); returns where its data ends. */
function readTrun(
  bytes: Uint8Array,
  box: Box,
  base: number,
  pos: number,
  defaults: TrackDefaults,
  samples: FragmentSample[],
  options: FragmentReadOptions,
): number {
  const { version, flags: f, body, view } = readFullBox(box);
  requireBytes(box, body, 4);
  const count = view.getUint32(0);
  const max = options.maxSamples ?? 1 << 16;
  if (count > max) throw new TooLargeError("trun sample_count", count, max);
  let at = 4;
  if (f & TrunFlags.DATA_OFFSET) {
    requireBytes(box, body, at + 4);
    pos = base + view.getInt32(at);
    at += 4;
  }
  let firstFlags: number | undefined;
  if (f & TrunFlags.FIRST_SAMPLE_FLAGS) {
    requireBytes(box, body, at + 4);
    firstFlags = view.getUint32(at);
    at += 4;
  }
  const hasDuration = (f & TrunFlags.SAMPLE_DURATION) !== 0;
  const hasSize = (f & TrunFlags.SAMPLE_SIZE) !== 0;
  const hasFlags = (f & TrunFlags.SAMPLE_FLAGS) !== 0;
  const hasCto = (f & TrunFlags.SAMPLE_COMPOSITION_TIME_OFFSET) !== 0;
  const entry = 4 * (Number(hasDuration) + Number(hasSize) + Number(hasFlags) + Number(hasCto));
  requireBytes(box, body, at + entry * count);
  for (let i = 0; i < count; i++) {
    const duration = hasDuration ? view.getUint32(at) : defaults.duration;
    at += hasDuration ? 4 : 0;
    const size = hasSize ? view.getUint32(at) : defaults.size;
    at += hasSize ? 4 : 0;
    const flags = hasFlags ? view.getUint32(at) : i === 0 && firstFlags !== undefined ? firstFlags : defaults.flags;
    at += hasFlags ? 4 : 0;
    const compositionOffset = hasCto ? (version === 0 ? view.getUint32(at) : view.getInt32(at)) : 0;
    at += hasCto ? 4 : 0;
    if (pos < 0) throw new InvalidFieldError("trun", "data_offset", pos - base);
    if (pos + size > bytes.length) throw new TruncatedError("trun sample data", pos + size, bytes.length);
    samples.push({ data: bytes.subarray(pos, pos + size), offset: pos, duration, flags, isSync: (flags & NON_SYNC_BIT) === 0, compositionOffset });
    pos += size;
  }
  return pos;
}

function u64(view: DataView, at: number): number {
  const hi = view.getUint32(at);
  if (hi >= 0x200000) throw new TooLargeError("64-bit field", hi * 0x1_0000_0000, Number.MAX_SAFE_INTEGER);
  return hi * 0x1_0000_0000 + view.getUint32(at + 4);
}
