/**
 * Incremental FLV demuxer for H.264 video (Adobe Flash Video File Format Specification
 * v10.1, Annex E: §E.2 header, §E.3 body, §E.4.1 tags, §E.4.3.1 AVC video tags).
 *
 * Input arrives in chunks split at any byte. A tag that lies inside one chunk is parsed in
 * place; only a structure that straddles chunks is copied, once, into a buffer of its exact
 * size, so the cost is linear in the input. Every emitted NAL unit is a fresh copy.
 */

import type { AccessUnit } from "./access-unit.ts";
import { parseAvcConfig } from "./avc-config.ts";
import { readS24, readU24, readU32, readUN } from "./bytes.ts";
import { InvalidFieldError, MediaError, TooLargeError, TruncatedError, UnsupportedCodecError } from "./errors.ts";
import {
  AvcPacketType,
  FLV_AVC_VIDEO_HEADER_BYTES,
  FLV_CODEC_AVC,
  FLV_HEADER_BYTES,
  FLV_PREVIOUS_TAG_SIZE_BYTES,
  FLV_TAG_HEADER_BYTES,
  FlvFrameType,
  FlvTagType,
} from "./flv-constants.ts";
import { NalType } from "./nal.ts";

/** Options of {@link FlvDemuxer}. */
export interface FlvDemuxerOptions {
  /**
   * Largest tag DataSize, in bytes, the demuxer accepts; a larger tag is an error rather
   * than buffered. FLV's UI24 DataSize cannot exceed 16 MiB - 1 anyway.
   * @defaultValue 16 MiB
   */
  readonly maxTagBytes?: number;
}

const HEADER = 0;
const TAG_HEADER = 1;
const VIDEO_BODY = 2;
const KEEP_BUFFER_BYTES = 1024 * 1024;

/**
 * Turns an FLV byte stream into H.264 access units. Audio, script and unknown tags are
 * skipped without buffering. An AVC sequence header updates {@link sps}, {@link pps} and the
 * NAL length size and emits nothing; an AVC NALU tag becomes one access unit with
 * dts = timestamp (ms) * 90 and pts = dts + CompositionTime (ms) * 90, in 90 kHz ticks.
 * PreviousTagSize fields are skipped, not checked. After it has thrown, the demuxer throws
 * the same error on every push: FLV has no resync point, so the caller starts a new
 * demuxer for a new stream.
 */
export class FlvDemuxer {
  private readonly maxTagBytes: number;
  private state = HEADER;
  /** Bytes the structure being read needs. */
  private need = FLV_HEADER_BYTES;
  /** Bytes to discard before the next structure. */
  private skip = 0;
  /** A structure that straddles chunks, collected up to `need` bytes. */
  private pend = new Uint8Array(0);
  private pendLen = 0;
  private timestampMs = 0;
  private lengthSize = 4;
  private spsList: Uint8Array[] = [];
  private ppsList: Uint8Array[] = [];
  private failure: MediaError | undefined;

  /** @throws InvalidFieldError when `maxTagBytes` is not a positive integer */
  constructor(options: FlvDemuxerOptions = {}) {
    const max = options.maxTagBytes ?? 16 * 1024 * 1024;
    if (!Number.isSafeInteger(max) || max <= 0) throw new InvalidFieldError("FlvDemuxerOptions", "maxTagBytes", max);
    this.maxTagBytes = max;
  }

  /** SPS NAL units of the latest AVC sequence header; [] before the first. */
  get sps(): readonly Uint8Array[] {
    return this.spsList;
  }

  /** PPS NAL units of the latest AVC sequence header; [] before the first. */
  get pps(): readonly Uint8Array[] {
    return this.ppsList;
  }

  /** NAL unit length size in bytes from the latest sequence header; 4 (FFmpeg's) before one. */
  get nalLengthSize(): number {
    return this.lengthSize;
  }

  /**
   * Feeds the next bytes of the stream. `chunk` is not kept: the caller may reuse it at once.
   * @returns the access units of the AVC NALU tags completed by this chunk, in order
   * @throws InvalidFieldError for a bad signature, DataOffset, AVCPacketType or encrypted tag
   * @throws UnsupportedCodecError for a video tag whose codec is not AVC
   * @throws TooLargeError for a tag larger than `maxTagBytes`
   * @throws TruncatedError for a tag body that ends inside its own structures
   */
  push(chunk: Uint8Array): AccessUnit[] {
    if (this.failure) throw this.failure;
    const out: AccessUnit[] = [];
    try {
      let off = 0;
      while (off < chunk.length) {
        if (this.skip > 0) {
          const n = Math.min(this.skip, chunk.length - off);
          this.skip -= n;
          off += n;
          continue;
        }
        let view: Uint8Array;
        if (this.pendLen === 0 && chunk.length - off >= this.need) {
          view = chunk.subarray(off, off + this.need);
          off += this.need;
        } else {
          if (this.pend.length < this.need) this.pend = new Uint8Array(this.need);
          const n = Math.min(this.need - this.pendLen, chunk.length - off);
          this.pend.set(chunk.subarray(off, off + n), this.pendLen);
          this.pendLen += n;
          off += n;
          if (this.pendLen < this.need) break;
          view = this.pend.subarray(0, this.need);
          this.pendLen = 0;
        }
        this.consume(view, out);
        if (this.pend.length > KEEP_BUFFER_BYTES && this.pendLen === 0) this.pend = new Uint8Array(0);
      }
    } catch (e) {
      if (e instanceof MediaError) this.failure = e;
      throw e;
    }
    return out;
  }

  private consume(b: Uint8Array, out: AccessUnit[]): void {
    if (this.state === HEADER) {
      if (b[0] !== 0x46 || b[1] !== 0x4c || b[2] !== 0x56) {
        throw new InvalidFieldError("FLV header", "Signature", Array.from(b.subarray(0, 3), (x) => x.toString(16).padStart(2, "0")).join(""));
      }
      const dataOffset = readU32(b, 5);
      if (dataOffset < FLV_HEADER_BYTES) throw new InvalidFieldError("FLV header", "DataOffset", dataOffset);
      this.skip = dataOffset - FLV_HEADER_BYTES + FLV_PREVIOUS_TAG_SIZE_BYTES; // PreviousTagSize0
      this.toTagHeader();
    } else if (this.state === TAG_HEADER) {
      const tagType = b[0]! & 0x1f;
      const dataSize = readU24(b, 1);
      if (dataSize > this.maxTagBytes) throw new TooLargeError("FLV tag", dataSize, this.maxTagBytes);
      if (tagType !== FlvTagType.VIDEO) {
        this.skip = dataSize + FLV_PREVIOUS_TAG_SIZE_BYTES;
        return;
      }
      if (b[0]! & 0x20) throw new InvalidFieldError("FLV tag", "Filter", 1);
      this.timestampMs = b[7]! * 0x1000000 + readU24(b, 4); // TimestampExtended is the high byte
      this.state = VIDEO_BODY;
      this.need = dataSize + FLV_PREVIOUS_TAG_SIZE_BYTES;
    } else {
      this.video(b.subarray(0, b.length - FLV_PREVIOUS_TAG_SIZE_BYTES), out);
      this.toTagHeader();
    }
  }

  private toTagHeader(): void {
    this.state = TAG_HEADER;
    this.need = FLV_TAG_HEADER_BYTES;
  }

  /** One VIDEODATA body (§E.4.3.1). */
  private video(body: Uint8Array, out: AccessUnit[]): void {
    const first = body[0];
    if (first === undefined || first >> 4 === FlvFrameType.INFO) return; // empty, or a command frame
    if (first & 0x80) {
      // Enhanced RTMP (veovera enhanced-rtmp v1): IsExHeader, then a FourCC such as "hvc1".
      throw new UnsupportedCodecError(String.fromCharCode(...body.subarray(1, 5)));
    }
    if ((first & 0x0f) !== FLV_CODEC_AVC) throw new UnsupportedCodecError(first & 0x0f);
    if (body.length < FLV_AVC_VIDEO_HEADER_BYTES) {
      throw new TruncatedError("FLV AVC video tag", FLV_AVC_VIDEO_HEADER_BYTES, body.length);
    }
    const packetType = body[1]!;
    const payload = body.subarray(FLV_AVC_VIDEO_HEADER_BYTES);
    if (packetType === AvcPacketType.SEQUENCE_HEADER) {
      const config = parseAvcConfig(payload);
      this.lengthSize = config.nalLengthSize;
      this.spsList = config.sps;
      this.ppsList = config.pps;
      return;
    }
    if (packetType === AvcPacketType.END_OF_SEQUENCE) return;
    if (packetType !== AvcPacketType.NALU) throw new InvalidFieldError("FLV AVC video tag", "AVCPacketType", packetType);
    const nalus: Uint8Array[] = [];
    let isKeyframe = false;
    const size = this.lengthSize;
    for (let o = 0; o < payload.length; ) {
      if (o + size > payload.length) throw new TruncatedError("AVC NAL unit length", size, payload.length - o);
      const len = readUN(payload, o, size);
      o += size;
      if (o + len > payload.length) throw new TruncatedError("AVC NAL unit", len, payload.length - o);
      if (len === 0) continue;
      if ((payload[o]! & 0x1f) === NalType.IDR) isKeyframe = true;
      nalus.push(payload.slice(o, o + len));
      o += len;
    }
    if (nalus.length === 0) return;
    const dts = this.timestampMs * 90;
    out.push({ nalus, dts, pts: dts + readS24(body, 2) * 90, isKeyframe });
  }
}
