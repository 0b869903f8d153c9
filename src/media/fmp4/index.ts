/**
 * camserver's fragmented-MP4 muxer for H.264 (ISO/IEC 14496-12, ISO/IEC 14496-15, CMAF-style
 * per ISO/IEC 23000-19): the init segment, movie fragments for HLS segments, LL-HLS parts and
 * recordings, and the readers that take them apart again. Pure: bytes in, bytes out.
 */

export { type AvccNalUnits, avccNalUnits, avccSample, NAL_LENGTH_BYTES } from "./avcc-sample.ts";
export {
  type Box,
  type BoxHeader,
  type BoxReadOptions,
  type FullBoxBody,
  childBoxes,
  findBox,
  readBoxes,
  readBoxHeader,
  readFullBox,
  requireBox,
} from "./box-reader.ts";
export { BoxWriter } from "./box-writer.ts";
export {
  type FragmentReadOptions,
  type FragmentSample,
  type MovieFragment,
  type TrackDefaults,
  type TrackFragment,
  readFragments,
  readMovieFragment,
} from "./fragment-reader.ts";
export { type InitSegmentInfo, readInitSegment } from "./init-reader.ts";
export { type Fmp4VideoTrack, INIT_BRANDS, initSegment } from "./init-segment.ts";
export {
  type Fmp4FragmentOptions,
  type Fmp4FragmentParts,
  type Fmp4Sample,
  type SamplePayload,
  mediaFragment,
  mediaFragmentParts,
  SEGMENT_BRANDS,
} from "./media-fragment.ts";
export { type SampleBuilderOptions, SampleBuilder, type TimedSample } from "./sample-builder.ts";
export { NON_SYNC_SAMPLE_FLAGS, SYNC_SAMPLE_FLAGS } from "./sample-flags.ts";
