/**
 * FLV muxer for H.264 video, producing what FFmpeg's flv demuxer (`ffmpeg -f flv -i pipe:0`)
 * reads (Adobe Flash Video File Format Specification v10.1, Annex E: §E.2 header, §E.3
 * PreviousTagSize, §E.4.1 tag header, §E.4.3.1 AVC video tags).
 */

import type { AccessUnit } from "./access-unit.ts";
import { buildAvcConfig } from "./avc-config.ts";
import { writeU24, writeU32 } from "./bytes.ts";
import { InvalidFieldError, TooLargeError } from "./errors.ts";
import { writeNal } from "./nal-unit.ts";
import {
  AvcPacketType,
  FLV_AVC_VIDEO_HEADER_BYTES,
  FLV_CODEC_AVC,
  FLV_HEADER_BYTES,
  FLV_MAX_DATA_SIZE,
  FLV_PREVIOUS_TAG_SIZE_BYTES,
  FLV_TAG_HEADER_BYTES,
  FlvFrameType,
  FlvTagType,
} from "./flv-constants.ts";

const NAL_LENGTH_BYTES = 4;
const MAX_TIMESTAMP_MS = 0xffffffff;
const MIN_SI24 = -0x800000;
const MAX_SI24 = 0x7fffff;

/** Tag timestamp in ms from 90 kHz ticks: round((dts - baseDts) / 90), 0 .. 2^32-1. */
function timestampMs(dts: number, baseDts: number): number {
  const ms = Math.round((dts - baseDts) / 90);
  if (!(ms >= 0 && ms <= MAX_TIMESTAMP_MS)) throw new InvalidFieldError("FLV tag", "Timestamp", ms);
  return ms;
}

/** A video tag with its header, AVC video header and PreviousTagSize written; payload left zero. */
function videoTag(ms: number, frameType: number, packetType: number, ctMs: number, payloadBytes: number): Uint8Array {
  const dataSize = FLV_AVC_VIDEO_HEADER_BYTES + payloadBytes;
  if (dataSize > FLV_MAX_DATA_SIZE) throw new TooLargeError("FLV tag", dataSize, FLV_MAX_DATA_SIZE);
  const tagSize = FLV_TAG_HEADER_BYTES + dataSize;
  const out = new Uint8Array(tagSize + FLV_PREVIOUS_TAG_SIZE_BYTES);
  out[0] = FlvTagType.VIDEO;
  writeU24(out, 1, dataSize);
  writeU24(out, 4, ms % 0x1000000); // Timestamp: low 24 bits
  out[7] = Math.floor(ms / 0x1000000); // TimestampExtended: high 8 bits; StreamID stays 0
  out[11] = (frameType << 4) | FLV_CODEC_AVC;
  out[12] = packetType;
  writeU24(out, 13, ctMs); // CompositionTime, SI24 two's complement
  writeU32(out, tagSize, tagSize); // PreviousTagSize
  return out;
}

/**
 * Writes an H.264 elementary stream as FLV. Stateless: each method returns complete bytes,
 * to be written in the order header, sequence header, video tags. Timestamps are relative
 * to a caller-chosen `baseDts` (90 kHz ticks), usually the dts of the first access unit.
 */
export class FlvMuxer {
  /**
   * The FLV header (§E.2): signature "FLV", version 1, TypeFlags with only the video bit
   * set, DataOffset 9, followed by PreviousTagSize0 = 0 (§E.3).
   * @returns 13 bytes
   */
  header(): Uint8Array {
    const out = new Uint8Array(FLV_HEADER_BYTES + FLV_PREVIOUS_TAG_SIZE_BYTES);
    out.set([0x46, 0x4c, 0x56, 1, 0x01]);
    writeU32(out, 5, FLV_HEADER_BYTES);
    return out;
  }

  /**
   * An AVC sequence header tag (§E.4.3.1, AVCPacketType 0) holding an
   * AVCDecoderConfigurationRecord with 4-byte NAL unit lengths (ISO/IEC 14496-15 §5.3.3.1).
   * Write it after {@link header} and again whenever SPS or PPS change.
   * @param sps SPS NAL units, header byte included (at least one)
   * @param pps PPS NAL units, header byte included
   * @param dtsTicks decode time of the next access unit, 90 kHz ticks
   * @param baseDts tick that maps to FLV time 0 @defaultValue 0
   * @returns one tag followed by its PreviousTagSize
   * @throws InvalidFieldError or TruncatedError as `buildAvcConfig`; InvalidFieldError when
   *   the timestamp falls outside 0 .. 2^32-1 ms
   */
  sequenceHeader(sps: readonly Uint8Array[], pps: readonly Uint8Array[], dtsTicks: number, baseDts = 0): Uint8Array {
    const config = buildAvcConfig(sps, pps);
    const ms = timestampMs(dtsTicks, baseDts);
    const out = videoTag(ms, FlvFrameType.KEY, AvcPacketType.SEQUENCE_HEADER, 0, config.length);
    out.set(config, FLV_TAG_HEADER_BYTES + FLV_AVC_VIDEO_HEADER_BYTES);
    return out;
  }

  /**
   * An AVC NALU tag (§E.4.3.1, AVCPacketType 1) for one access unit: FrameType 1 for a
   * keyframe and 2 otherwise, Timestamp = round((dts - baseDts) / 90) ms, CompositionTime
   * = round((pts - dts) / 90) ms, each NAL unit preceded by its 4-byte length. Empty NAL
   * units are left out.
   * @param au the access unit, NAL units without start codes
   * @param baseDts tick that maps to FLV time 0 (90 kHz)
   * @returns one tag followed by its PreviousTagSize
   * @throws InvalidFieldError when the timestamp falls outside 0 .. 2^32-1 ms or the
   *   composition time outside a signed 24-bit ms value
   * @throws TooLargeError when the tag would exceed the UI24 DataSize
   */
  videoTag(au: AccessUnit, baseDts: number): Uint8Array {
    const ms = timestampMs(au.dts, baseDts);
    const ct = Math.round((au.pts - au.dts) / 90);
    if (!(ct >= MIN_SI24 && ct <= MAX_SI24)) throw new InvalidFieldError("FLV AVC video tag", "CompositionTime", ct);
    let payloadBytes = 0;
    for (const n of au.nalus) if (n.byteLength > 0) payloadBytes += NAL_LENGTH_BYTES + n.byteLength;
    const frameType = au.isKeyframe ? FlvFrameType.KEY : FlvFrameType.INTER;
    const out = videoTag(ms, frameType, AvcPacketType.NALU, ct, payloadBytes);
    let o = FLV_TAG_HEADER_BYTES + FLV_AVC_VIDEO_HEADER_BYTES;
    for (const n of au.nalus) {
      if (n.byteLength === 0) continue;
      writeU32(out, o, n.byteLength);
      o = writeNal(n, out, o + NAL_LENGTH_BYTES);
    }
    return out;
  }

  /**
   * An AVC end-of-sequence tag (§E.4.3.1, AVCPacketType 2), as FFmpeg writes at the end.
   * @param dtsTicks decode time of the last access unit, 90 kHz ticks
   * @param baseDts tick that maps to FLV time 0 @defaultValue 0
   * @returns one tag followed by its PreviousTagSize
   * @throws InvalidFieldError when the timestamp falls outside 0 .. 2^32-1 ms
   */
  endOfSequence(dtsTicks: number, baseDts = 0): Uint8Array {
    return videoTag(timestampMs(dtsTicks, baseDts), FlvFrameType.KEY, AvcPacketType.END_OF_SEQUENCE, 0, 0);
  }
}
