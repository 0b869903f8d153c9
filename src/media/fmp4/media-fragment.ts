/**
 * A movie fragment of one H.264 video track, CMAF-style (ISO/IEC 23000-19 clause 7, the CMAF
 * fragment): an optional `styp` (ISO/IEC 14496-12 §8.16.2), then `moof` (§8.8.4) and `mdat`
 * (§8.1.1) with the samples in decoding order.
 *
 * ```
 * styp                         §8.16.2 (optional; for HLS segments)
 * moof                         §8.8.4
 *   mfhd  sequence_number      §8.8.5
 *   traf                       §8.8.6
 *     tfhd  default-base-is-moof, track_ID              §8.8.7
 *     tfdt  version 1: 64-bit baseMediaDecodeTime       §8.8.12
 *     trun  version 1: data_offset, and per sample the duration, size, flags and signed
 *           composition offset                          §8.8.8
 * mdat                         §8.1.1
 * ```
 * The data_offset of the `trun` counts from the first byte of the `moof`
 * (default-base-is-moof, §8.8.7.1), so a fragment stays valid wherever it is stored: in an
 * HLS segment, an LL-HLS part or a recording.
 */

import { type Allocate, bytesFor } from "../buffer-pool.ts";
import { InvalidFieldError, TooLargeError } from "../errors.ts";
import { type AvccNalUnits, avccSample } from "./avcc-sample.ts";
import { BoxWriter } from "./box-writer.ts";
import { NON_SYNC_SAMPLE_FLAGS, SYNC_SAMPLE_FLAGS, TfhdFlags, TrunFlags } from "./sample-flags.ts";

/**
 * A sample's payload: AVCC bytes (NAL units each prefixed with a 4-byte big-endian length,
 * see `avccSample`), or the NAL units themselves (`avccNalUnits`), which the fragment writes
 * in that format with one copy fewer.
 */
export type SamplePayload = Uint8Array | AvccNalUnits;

/** One sample (one access unit) of a fragment; `D` is its payload's form. */
export interface Fmp4Sample<D extends SamplePayload = Uint8Array> {
  /** The payload; `data.byteLength` is the sample's size in the `trun`. */
  readonly data: D;
  /** Duration in ticks of the track timescale, 0..2^32-1. */
  readonly duration: number;
  /** True for an IDR: a sync sample (sample_depends_on = 2, non-sync flag clear). */
  readonly isSync: boolean;
  /**
   * pts - dts in ticks of the track timescale, -2^31..2^31-1 (signed, `trun` version 1).
   * @defaultValue 0
   */
  readonly compositionOffset?: number;
}

/** What {@link mediaFragment} writes. */
export interface Fmp4FragmentOptions<D extends SamplePayload = Uint8Array> {
  /** mfhd sequence_number, 0..2^32-1: starts at 1 and grows by 1 per fragment (§8.8.5.3). */
  readonly sequenceNumber: number;
  /** tfdt baseMediaDecodeTime: decoding time of the first sample in track ticks, 0..2^53-1. */
  readonly baseDecodeTime: number;
  /** The samples in decoding order; at least one. */
  readonly samples: readonly Fmp4Sample<D>[];
  /**
   * track_ID, as in the init segment.
   * @defaultValue 1
   */
  readonly trackId?: number;
  /**
   * Prefix a `styp` box (§8.16.2), as an HLS segment or a CMAF segment file starts.
   * @defaultValue false
   */
  readonly styp?: boolean;
  /**
   * Where the fragment's bytes go (`bytesFor`): called once with its exact size.
   * @defaultValue a new buffer of exactly that size
   */
  readonly allocate?: Allocate;
}

/** A fragment as a header and the sample payloads that follow it, for writing without a copy. */
export interface Fmp4FragmentParts {
  /** `styp` (when asked for), `moof` and the 8-byte `mdat` header. */
  readonly header: Uint8Array;
  /** The samples' `data` in order (the same objects where given as bytes): the `mdat` payload. */
  readonly payloads: readonly Uint8Array[];
  /** header.byteLength plus the payloads' bytes. */
  readonly byteLength: number;
}

/**
 * Brands of the `styp` (§8.16.2): a DASH media segment ('msdh', ISO/IEC 23009-1 §6.3.4.2).
 * FFmpeg adds 'msix' too, which promises a segment index (`sidx`) that we do not write.
 */
export const SEGMENT_BRANDS = { major: "msdh", minor: 0, compatible: ["msdh"] } as const;

const STYP_BYTES = 16 + 4 * SEGMENT_BRANDS.compatible.length;
/** moof 8 + mfhd 16 + traf 8 + tfhd 16 + tfdt 20 + trun 20 before the per-sample entries. */
const MOOF_FIXED_BYTES = 88;
const TRUN_SAMPLE_BYTES = 16;
const MDAT_HEADER_BYTES = 8;
const TRUN_FLAGS =
  TrunFlags.DATA_OFFSET | TrunFlags.SAMPLE_DURATION | TrunFlags.SAMPLE_SIZE | TrunFlags.SAMPLE_FLAGS | TrunFlags.SAMPLE_COMPOSITION_TIME_OFFSET;

/**
 * Builds one movie fragment: [`styp`] `moof` `mdat`.
 * @returns the fragment: 88 + 16 per sample + 8 bytes of boxes (20 more with `styp`) plus the
 *   samples, in a new buffer or at the start of the one `allocate` gave
 * @throws RangeError when `allocate` gives a buffer smaller than it was asked for
 * @throws InvalidFieldError for a field out of its range (named after the option, e.g.
 *   `samples[3].duration`), or no samples
 * @throws TooLargeError when the `mdat` would exceed 2^32 - 1 bytes
 */
export function mediaFragment<D extends SamplePayload>(o: Fmp4FragmentOptions<D>): Uint8Array {
  const dataBytes = checkOptions(o);
  const size = headerBytes(o) + dataBytes;
  const w = new BoxWriter(size, bytesFor(size, o.allocate));
  writeHeader(w, o, dataBytes);
  for (const s of o.samples) {
    const d: SamplePayload = s.data;
    if (d instanceof Uint8Array) {
      w.bytes(d);
      continue;
    }
    for (const nalu of d.nalus) {
      w.u32(nalu.byteLength);
      if (nalu instanceof Uint8Array) w.bytes(nalu);
      else for (const p of nalu.pieces) w.bytes(p);
    }
  }
  return w.finish();
}

/**
 * The same fragment as {@link mediaFragment}, as a header and the samples' payloads, so that
 * a writer can send them (`writev`) without copying the samples into one buffer.
 * @throws the same errors as {@link mediaFragment}
 */
export function mediaFragmentParts<D extends SamplePayload>(o: Fmp4FragmentOptions<D>): Fmp4FragmentParts {
  const dataBytes = checkOptions(o);
  const w = new BoxWriter(headerBytes(o));
  writeHeader(w, o, dataBytes);
  const header = w.finish();
  const payloads = o.samples.map((s): Uint8Array => {
    const d: SamplePayload = s.data;
    return d instanceof Uint8Array ? d : avccSample(d.nalus);
  });
  return { header, payloads, byteLength: header.byteLength + dataBytes };
}

function headerBytes(o: Fmp4FragmentOptions<SamplePayload>): number {
  return (o.styp ? STYP_BYTES : 0) + MOOF_FIXED_BYTES + TRUN_SAMPLE_BYTES * o.samples.length + MDAT_HEADER_BYTES;
}

function writeHeader(w: BoxWriter, o: Fmp4FragmentOptions<SamplePayload>, dataBytes: number): void {
  if (o.styp) {
    const styp = w.open("styp");
    w.fourcc(SEGMENT_BRANDS.major);
    w.u32(SEGMENT_BRANDS.minor);
    for (const b of SEGMENT_BRANDS.compatible) w.fourcc(b);
    w.close(styp);
  }
  const n = o.samples.length;
  const moof = w.open("moof");
  const mfhd = w.openFull("mfhd", 0, 0);
  w.u32(o.sequenceNumber);
  w.close(mfhd);
  const traf = w.open("traf");
  const tfhd = w.openFull("tfhd", 0, TfhdFlags.DEFAULT_BASE_IS_MOOF);
  w.u32(o.trackId ?? 1);
  w.close(tfhd);
  const tfdt = w.openFull("tfdt", 1, 0);
  w.u64(o.baseDecodeTime);
  w.close(tfdt);
  const trun = w.openFull("trun", 1, TRUN_FLAGS);
  w.u32(n);
  // data_offset: from the moof's first byte past the moof and the mdat header to the first sample.
  w.i32(MOOF_FIXED_BYTES + TRUN_SAMPLE_BYTES * n + MDAT_HEADER_BYTES);
  for (const s of o.samples) {
    w.u32(s.duration);
    w.u32(s.data.byteLength);
    w.u32(s.isSync ? SYNC_SAMPLE_FLAGS : NON_SYNC_SAMPLE_FLAGS);
    w.i32(s.compositionOffset ?? 0);
  }
  w.close(trun);
  w.close(traf);
  w.close(moof);
  w.u32(MDAT_HEADER_BYTES + dataBytes);
  w.fourcc("mdat");
}

/** Validates the options; returns the bytes of all samples. */
function checkOptions(o: Fmp4FragmentOptions<SamplePayload>): number {
  const name = "Fmp4FragmentOptions";
  checkInt(name, "sequenceNumber", o.sequenceNumber, 0, 0xffffffff);
  checkInt(name, "baseDecodeTime", o.baseDecodeTime, 0, Number.MAX_SAFE_INTEGER);
  checkInt(name, "trackId", o.trackId ?? 1, 1, 0xfffffffe);
  if (o.samples.length === 0) throw new InvalidFieldError(name, "samples.length", 0);
  let bytes = 0;
  for (let i = 0; i < o.samples.length; i++) {
    const s = o.samples[i]!;
    checkInt(name, `samples[${i}].duration`, s.duration, 0, 0xffffffff);
    const cto = s.compositionOffset;
    if (cto !== undefined) checkInt(name, `samples[${i}].compositionOffset`, cto, -0x80000000, 0x7fffffff);
    bytes += s.data.byteLength;
  }
  if (bytes + MDAT_HEADER_BYTES > 0xffffffff) throw new TooLargeError("mdat", bytes + MDAT_HEADER_BYTES, 0xffffffff);
  return bytes;
}

function checkInt(structure: string, field: string, v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max) throw new InvalidFieldError(structure, field, v);
}
