/**
 * The fragmented-MP4 initialization segment of one H.264 video track, CMAF-style
 * (ISO/IEC 23000-19 clause 7, the CMAF header): `ftyp` then `moov` with no samples of its own and an
 * `mvex` that announces movie fragments. Box layouts follow ISO/IEC 14496-12; the `avc1`
 * sample entry and its `avcC` follow ISO/IEC 14496-15 §5.4.2.
 *
 * ```
 * ftyp                                     §4.3
 * moov                                     §8.2.1
 *   mvhd                                   §8.2.2
 *   trak                                   §8.3.1
 *     tkhd                                 §8.3.2
 *     mdia                                 §8.4.1
 *       mdhd                               §8.4.2
 *       hdlr 'vide'                        §8.4.3
 *       minf                               §8.4.4
 *         vmhd                             §12.1.2
 *         dinf / dref / 'url ' (self)      §8.7.1, §8.7.2
 *         stbl                             §8.5.1
 *           stsd / avc1 / avcC             §8.5.2, §12.1.3; 14496-15 §5.4.2
 *           stts, stsc, stsz, stco (empty) §8.6.1.2, §8.7.4, §8.7.3, §8.7.5
 *   mvex                                   §8.8.1
 *     trex                                 §8.8.3
 * ```
 */

import { buildAvcConfig } from "../avc-config.ts";
import { InvalidFieldError } from "../errors.ts";
import { parseSps } from "../sps.ts";
import { BoxWriter } from "./box-writer.ts";
import { writeSampleTable } from "./sample-table.ts";

/** Video track description for the init segment. */
export interface Fmp4VideoTrack {
  /** One SPS NAL unit, header byte included, no start code. */
  readonly sps: Uint8Array;
  /** One PPS NAL unit, header byte included, no start code. */
  readonly pps: Uint8Array;
  /**
   * Picture width in pixels, 1..65535.
   * @defaultValue the cropped width the SPS gives (ITU-T H.264 §7.4.2.1.1)
   */
  readonly width?: number;
  /**
   * Picture height in pixels, 1..65535.
   * @defaultValue the cropped height the SPS gives
   */
  readonly height?: number;
  /**
   * Ticks per second of the track's media timeline (mdhd timescale); fragments count
   * durations and decode times in it.
   * @defaultValue 90000, the RTP clock of H.264 (RFC 6184 §5.1)
   */
  readonly timescale?: number;
  /**
   * track_ID, 1..2^32-2; fragments must use the same one.
   * @defaultValue 1
   */
  readonly trackId?: number;
}

/** Brands of the `ftyp` (§4.3): ISO BMFF with `tfdt` and default-base-is-moof, and CMAF. */
export const INIT_BRANDS = { major: "iso6", minor: 0, compatible: ["iso6", "cmfc", "avc1", "mp41"] } as const;

/** The unity transformation matrix of `mvhd` and `tkhd` (§8.2.2.3), 16.16 and 2.30 fixed point. */
const MATRIX = [0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000];
/** ISO-639-2/T "und" packed into three 5-bit letters (§8.4.2.3). */
const LANGUAGE_UND = ((0x75 - 0x60) << 10) | ((0x6e - 0x60) << 5) | (0x64 - 0x60);
const HANDLER_NAME = "VideoHandler";

/**
 * Builds the initialization segment (`ftyp` + `moov`) of one H.264 video track.
 * @param track SPS, PPS and the optional size, timescale and track_ID
 * @returns the segment, a new buffer of about 700 bytes plus the parameter sets
 * @throws InvalidFieldError when width, height, timescale or trackId is out of range, or a
 *   parameter set is empty or over 65535 bytes (avcC stores 16-bit lengths)
 * @throws TruncatedError or InvalidFieldError from `parseSps` when the size is to be read
 *   from an SPS that cannot be parsed
 */
export function initSegment(track: Fmp4VideoTrack): Uint8Array {
  const o = "Fmp4VideoTrack";
  const timescale = checkRange(o, "timescale", track.timescale ?? 90000, 1, 0xffffffff);
  const trackId = checkRange(o, "trackId", track.trackId ?? 1, 1, 0xfffffffe);
  let { width, height } = track;
  if (width === undefined || height === undefined) {
    const info = parseSps(track.sps);
    width ??= info.width;
    height ??= info.height;
  }
  checkRange(o, "width", width, 1, 0xffff);
  checkRange(o, "height", height, 1, 0xffff);
  const avcC = buildAvcConfig([track.sps], [track.pps]);

  const w = new BoxWriter(720 + avcC.byteLength);
  const ftyp = w.open("ftyp");
  w.fourcc(INIT_BRANDS.major);
  w.u32(INIT_BRANDS.minor);
  for (const b of INIT_BRANDS.compatible) w.fourcc(b);
  w.close(ftyp);

  const moov = w.open("moov");
  const mvhd = w.openFull("mvhd", 0, 0);
  w.zeros(8); // creation_time, modification_time
  w.u32(timescale);
  w.u32(0); // duration: unknown, the fragments carry the media (§8.8.1)
  w.u32(0x00010000); // rate 1.0
  w.u16(0x0100); // volume 1.0
  w.zeros(10); // reserved
  for (const m of MATRIX) w.u32(m);
  w.zeros(24); // pre_defined
  w.u32(trackId + 1); // next_track_ID
  w.close(mvhd);

  const trak = w.open("trak");
  const tkhd = w.openFull("tkhd", 0, 0x000003); // track_enabled | track_in_movie
  w.zeros(8); // creation_time, modification_time
  w.u32(trackId);
  w.zeros(4); // reserved
  w.u32(0); // duration
  w.zeros(8); // reserved
  w.u16(0); // layer
  w.u16(0); // alternate_group
  w.u16(0); // volume: 0 for a video track
  w.zeros(2); // reserved
  for (const m of MATRIX) w.u32(m);
  w.u32(width * 0x10000); // width, 16.16 fixed point
  w.u32(height * 0x10000);
  w.close(tkhd);

  const mdia = w.open("mdia");
  const mdhd = w.openFull("mdhd", 0, 0);
  w.zeros(8); // creation_time, modification_time
  w.u32(timescale);
  w.u32(0); // duration
  w.u16(LANGUAGE_UND); // pad bit 0, language
  w.u16(0); // pre_defined
  w.close(mdhd);

  const hdlr = w.openFull("hdlr", 0, 0);
  w.u32(0); // pre_defined
  w.fourcc("vide"); // handler_type
  w.zeros(12); // reserved
  for (let i = 0; i < HANDLER_NAME.length; i++) w.u8(HANDLER_NAME.charCodeAt(i));
  w.u8(0); // null-terminated UTF-8 name
  w.close(hdlr);

  const minf = w.open("minf");
  const vmhd = w.openFull("vmhd", 0, 0x000001); // flags 1 as §12.1.2.2 requires
  w.zeros(8); // graphicsmode 0 (copy), opcolor 0, 0, 0
  w.close(vmhd);
  const dinf = w.open("dinf");
  const dref = w.openFull("dref", 0, 0);
  w.u32(1); // entry_count
  w.close(w.openFull("url ", 0, 0x000001)); // flag 1: media data is in this file
  w.close(dref);
  w.close(dinf);

  writeSampleTable(w, width, height, avcC);
  w.close(minf);
  w.close(mdia);
  w.close(trak);

  const mvex = w.open("mvex");
  const trex = w.openFull("trex", 0, 0);
  w.u32(trackId);
  w.u32(1); // default_sample_description_index
  w.u32(0); // default_sample_duration: every trun states its own
  w.u32(0); // default_sample_size
  w.u32(0); // default_sample_flags
  w.close(trex);
  w.close(mvex);
  w.close(moov);
  return w.finish();
}

function checkRange(structure: string, field: string, v: number, min: number, max: number): number {
  if (!Number.isInteger(v) || v < min || v > max) throw new InvalidFieldError(structure, field, v);
  return v;
}
