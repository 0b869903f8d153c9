/**
 * Sequence parameter set parsing: ITU-T H.264 §7.3.2.1.1 (seq_parameter_set_data), §7.4.2.1.1
 * (frame size and cropping semantics) and Annex E §E.1.1 (VUI, up to timing_info).
 */

import { BitReader } from "./bit-reader.ts";
import { InvalidFieldError } from "./errors.ts";
import { NalType, nalType } from "./nal.ts";
import { unescapeRbsp } from "./rbsp.ts";

/** What camserver needs to know about a stream from its SPS. */
export interface SpsInfo {
  /** profile_idc: 66 Baseline, 77 Main, 100 High, 110 High 10, 122 High 4:2:2, 244 High 4:4:4. */
  readonly profileIdc: number;
  /** The byte of constraint_set0..5_flag and reserved_zero_2bits (the "CC" of "avc1.PPCCLL"). */
  readonly constraintSetFlags: number;
  /** level_idc: ten times the level number (31 is level 3.1). */
  readonly levelIdc: number;
  /** chroma_format_idc: 0 monochrome, 1 4:2:0, 2 4:2:2, 3 4:4:4 (1 when not coded). */
  readonly chromaFormatIdc: number;
  /** Bits per luma sample: bit_depth_luma_minus8 + 8 (8 when not coded). */
  readonly bitDepthLuma: number;
  /** Bits per chroma sample: bit_depth_chroma_minus8 + 8 (8 when not coded). */
  readonly bitDepthChroma: number;
  /** frame_mbs_only_flag: false when the stream may hold field pictures (interlaced). */
  readonly frameMbsOnly: boolean;
  /** Picture width in pixels, after frame cropping. */
  readonly width: number;
  /** Picture (frame) height in pixels, after frame cropping. */
  readonly height: number;
  /**
   * Frames per second from VUI timing_info: time_scale / (2 * num_units_in_tick) (§E.2.1);
   * undefined when timing_info is absent or holds a zero.
   */
  readonly fps?: number;
}

/** profile_idc values whose SPS carries chroma_format_idc and scaling lists (§7.3.2.1.1). */
const HIGH_PROFILES = new Set([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]);
/** Bound on PicWidthInMbs and FrameHeightInMbs: level 6.2 allows at most 1055 (Table A-1). */
const MAX_MBS = 2048;

/**
 * Parses an SPS NAL unit (ITU-T H.264 §7.3.2.1.1), emulation prevention bytes included.
 * @param nalu the NAL unit, header byte included, without start code or length prefix
 * @returns profile, level, cropped size in pixels and fps
 * @throws TruncatedError when the NAL unit ends before timing_info (or before the VUI when absent)
 * @throws InvalidFieldError when it is not an SPS or a field is out of its range
 */
export function parseSps(nalu: Uint8Array): SpsInfo {
  const type = nalType(nalu);
  if (type !== NalType.SPS) throw new InvalidFieldError("SPS", "nal_unit_type", type);
  const r = new BitReader(unescapeRbsp(nalu.subarray(1)), "SPS");
  const profileIdc = r.u(8);
  const constraintSetFlags = r.u(8);
  const levelIdc = r.u(8);
  check(r.ue(), 31, "seq_parameter_set_id");
  let chromaFormatIdc = 1;
  let separateColourPlane = false;
  let bitDepthLuma = 8;
  let bitDepthChroma = 8;
  if (HIGH_PROFILES.has(profileIdc)) {
    chromaFormatIdc = check(r.ue(), 3, "chroma_format_idc");
    if (chromaFormatIdc === 3) separateColourPlane = r.flag();
    bitDepthLuma = 8 + check(r.ue(), 6, "bit_depth_luma_minus8");
    bitDepthChroma = 8 + check(r.ue(), 6, "bit_depth_chroma_minus8");
    r.skip(1); // qpprime_y_zero_transform_bypass_flag
    if (r.flag()) {
      const lists = chromaFormatIdc === 3 ? 12 : 8;
      for (let i = 0; i < lists; i++) if (r.flag()) skipScalingList(r, i < 6 ? 16 : 64);
    }
  }
  check(r.ue(), 12, "log2_max_frame_num_minus4");
  const pocType = check(r.ue(), 2, "pic_order_cnt_type");
  if (pocType === 0) {
    check(r.ue(), 12, "log2_max_pic_order_cnt_lsb_minus4");
  } else if (pocType === 1) {
    r.skip(1); // delta_pic_order_always_zero_flag
    r.se(); // offset_for_non_ref_pic
    r.se(); // offset_for_top_to_bottom_field
    const cycle = check(r.ue(), 255, "num_ref_frames_in_pic_order_cnt_cycle");
    for (let i = 0; i < cycle; i++) r.se(); // offset_for_ref_frame[i]
  }
  r.ue(); // max_num_ref_frames
  r.skip(1); // gaps_in_frame_num_value_allowed_flag
  const widthMbs = check(r.ue() + 1, MAX_MBS, "pic_width_in_mbs_minus1 + 1");
  const heightMapUnits = r.ue() + 1;
  const frameMbsOnly = r.flag();
  if (!frameMbsOnly) r.skip(1); // mb_adaptive_frame_field_flag
  const heightMbs = check((frameMbsOnly ? 1 : 2) * heightMapUnits, MAX_MBS, "FrameHeightInMbs");
  r.skip(1); // direct_8x8_inference_flag
  let width = widthMbs * 16;
  let height = heightMbs * 16;
  if (r.flag()) {
    // Frame cropping offsets count crop units (§7.4.2.1.1, equations 7-19 to 7-22).
    const chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
    const subWidthC = chromaArrayType === 1 || chromaArrayType === 2 ? 2 : 1;
    const subHeightC = chromaArrayType === 1 ? 2 : 1;
    const cropUnitX = chromaArrayType === 0 ? 1 : subWidthC;
    const cropUnitY = (chromaArrayType === 0 ? 1 : subHeightC) * (frameMbsOnly ? 1 : 2);
    const left = r.ue();
    const right = r.ue();
    const top = r.ue();
    const bottom = r.ue();
    width -= cropUnitX * (left + right);
    height -= cropUnitY * (top + bottom);
    if (width <= 0) throw new InvalidFieldError("SPS", "frame_crop_left_offset + frame_crop_right_offset", left + right);
    if (height <= 0) throw new InvalidFieldError("SPS", "frame_crop_top_offset + frame_crop_bottom_offset", top + bottom);
  }
  const fps = r.flag() ? readVuiFps(r) : undefined;
  const info = {
    profileIdc,
    constraintSetFlags,
    levelIdc,
    chromaFormatIdc,
    bitDepthLuma,
    bitDepthChroma,
    frameMbsOnly,
    width,
    height,
  };
  return fps === undefined ? info : { ...info, fps };
}

function check(value: number, max: number, field: string): number {
  if (value > max) throw new InvalidFieldError("SPS", field, value);
  return value;
}

/** scaling_list() of §7.3.2.1.1.1, read and discarded. */
function skipScalingList(r: BitReader, size: number): void {
  let lastScale = 8;
  let nextScale = 8;
  for (let j = 0; j < size && nextScale !== 0; j++) {
    const delta = r.se();
    if (delta < -128 || delta > 127) throw new InvalidFieldError("SPS", "delta_scale", delta);
    nextScale = (lastScale + delta + 256) % 256;
    if (nextScale !== 0) lastScale = nextScale;
  }
}

/** vui_parameters() of §E.1.1 up to timing_info; returns fps or undefined. */
function readVuiFps(r: BitReader): number | undefined {
  if (r.flag()) {
    // aspect_ratio_info_present_flag
    if (r.u(8) === 255) r.skip(32); // aspect_ratio_idc Extended_SAR: sar_width, sar_height
  }
  if (r.flag()) r.skip(1); // overscan_info_present_flag, overscan_appropriate_flag
  if (r.flag()) {
    // video_signal_type_present_flag: video_format, video_full_range_flag
    r.skip(4);
    if (r.flag()) r.skip(24); // colour_primaries, transfer_characteristics, matrix_coefficients
  }
  if (r.flag()) {
    r.ue(); // chroma_sample_loc_type_top_field
    r.ue(); // chroma_sample_loc_type_bottom_field
  }
  if (!r.flag()) return undefined; // timing_info_present_flag
  const numUnitsInTick = r.u(32);
  const timeScale = r.u(32);
  if (numUnitsInTick === 0 || timeScale === 0) return undefined;
  return timeScale / (2 * numUnitsInTick);
}
