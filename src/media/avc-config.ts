/**
 * AVCDecoderConfigurationRecord ("avcC"), ISO/IEC 14496-15 §5.3.3.1: the decoder
 * configuration carried by the FLV AVC sequence header and by MP4 sample entries.
 */

import { readU16, writeU16 } from "./bytes.ts";
import { InvalidFieldError, TruncatedError } from "./errors.ts";
import { parseSps } from "./sps.ts";

/** A parsed AVCDecoderConfigurationRecord. */
export interface AvcConfig {
  /** Bytes of each NAL unit length prefix in samples: 1, 2 or 4 (lengthSizeMinusOne + 1). */
  readonly nalLengthSize: number;
  /** Sequence parameter set NAL units, header byte included, fresh copies. */
  readonly sps: Uint8Array[];
  /** Picture parameter set NAL units, header byte included, fresh copies. */
  readonly pps: Uint8Array[];
}

const RECORD = "AVCDecoderConfigurationRecord";

/**
 * Builds an AVCDecoderConfigurationRecord (ISO/IEC 14496-15 §5.3.3.1) with 4-byte NAL unit
 * lengths. Profile, compatibility and level are copied from bytes 1..3 of the first SPS.
 * The extension with chroma_format and bit depths (and no SPS extensions) follows for
 * every profile but Baseline, Main and Extended, exactly as FFmpeg's `ff_isom_write_avcc`
 * writes it; the spec lists only profiles 100, 110, 122 and 144, and readers skip it.
 * @param sps 1..31 SPS NAL units, each 4..65535 bytes
 * @param pps 0..255 PPS NAL units, each 1..65535 bytes
 * @returns 7 + sum(2 + size) bytes, plus 4 with the extension
 * @throws InvalidFieldError for a count or NAL unit size out of those ranges
 * @throws TruncatedError when the first SPS is shorter than 4 bytes
 * @throws TruncatedError or InvalidFieldError from `parseSps` when the extension is needed
 *   and the first SPS cannot be parsed
 */
export function buildAvcConfig(sps: readonly Uint8Array[], pps: readonly Uint8Array[]): Uint8Array {
  const first = sps[0];
  if (first === undefined || sps.length > 31) throw new InvalidFieldError(RECORD, "numOfSequenceParameterSets", sps.length);
  if (pps.length > 255) throw new InvalidFieldError(RECORD, "numOfPictureParameterSets", pps.length);
  if (first.length < 4) throw new TruncatedError("SPS", 4, first.length);
  const profileIdc = first[1]!;
  const ext = profileIdc === 66 || profileIdc === 77 || profileIdc === 88 ? undefined : parseSps(first);
  let size = ext ? 11 : 7;
  for (const n of [...sps, ...pps]) {
    if (n.length === 0 || n.length > 0xffff) throw new InvalidFieldError(RECORD, "parameter set length", n.length);
    size += 2 + n.length;
  }
  const out = new Uint8Array(size);
  out[0] = 1; // configurationVersion
  out.set(first.subarray(1, 4), 1); // AVCProfileIndication, profile_compatibility, AVCLevelIndication
  out[4] = 0xfc | 3; // reserved '111111', lengthSizeMinusOne = 3
  out[5] = 0xe0 | sps.length; // reserved '111', numOfSequenceParameterSets
  let o = 6;
  for (const n of sps) o = put(out, o, n);
  out[o++] = pps.length;
  for (const n of pps) o = put(out, o, n);
  if (ext) {
    out[o] = 0xfc | ext.chromaFormatIdc; // reserved '111111', chroma_format
    out[o + 1] = 0xf8 | (ext.bitDepthLuma - 8); // reserved '11111', bit_depth_luma_minus8
    out[o + 2] = 0xf8 | (ext.bitDepthChroma - 8); // reserved '11111', bit_depth_chroma_minus8
    out[o + 3] = 0; // numOfSequenceParameterSetExt
  }
  return out;
}

function put(out: Uint8Array, o: number, nalu: Uint8Array): number {
  writeU16(out, o, nalu.length);
  out.set(nalu, o + 2);
  return o + 2 + nalu.length;
}

/**
 * Parses an AVCDecoderConfigurationRecord (ISO/IEC 14496-15 §5.3.3.1). Bytes after the
 * parameter sets (the High-profile extension with chroma format and bit depths, or
 * padding) are ignored: the SPS holds the same values.
 * @param bytes the record
 * @returns NAL length size and parameter sets, copied out of `bytes`
 * @throws TruncatedError when the record ends early
 * @throws InvalidFieldError for configurationVersion other than 1, lengthSizeMinusOne 2
 *   (3-byte lengths are not allowed), or an empty parameter set
 */
export function parseAvcConfig(bytes: Uint8Array): AvcConfig {
  if (bytes.length < 7) throw new TruncatedError(RECORD, 7, bytes.length);
  if (bytes[0] !== 1) throw new InvalidFieldError(RECORD, "configurationVersion", bytes[0]!);
  const nalLengthSize = (bytes[4]! & 3) + 1;
  if (nalLengthSize === 3) throw new InvalidFieldError(RECORD, "lengthSizeMinusOne", 2);
  let o = 5;
  const read = (count: number): Uint8Array[] => {
    const sets: Uint8Array[] = [];
    for (let i = 0; i < count; i++) {
      if (o + 2 > bytes.length) throw new TruncatedError(RECORD, o + 2, bytes.length);
      const len = readU16(bytes, o);
      if (len === 0) throw new InvalidFieldError(RECORD, "parameter set length", 0);
      if (o + 2 + len > bytes.length) throw new TruncatedError(RECORD, o + 2 + len, bytes.length);
      sets.push(bytes.slice(o + 2, o + 2 + len));
      o += 2 + len;
    }
    return sets;
  };
  const sps = read(bytes[o++]! & 0x1f);
  if (o >= bytes.length) throw new TruncatedError(RECORD, o + 1, bytes.length);
  const pps = read(bytes[o++]!);
  return { nalLengthSize, sps, pps };
}
