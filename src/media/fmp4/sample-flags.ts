/**
 * Sample flags of movie fragments (ISO/IEC 14496-12 §8.8.3.1) and the flag bits of `tfhd`
 * (§8.8.7.1) and `trun` (§8.8.8.1).
 *
 * A sample_flags word, from the high bits: reserved(4), is_leading(2), sample_depends_on(2),
 * sample_is_depended_on(2), sample_has_redundancy(2), sample_padding_value(3),
 * sample_is_non_sync_sample(1), sample_degradation_priority(16).
 */

/** An IDR: sample_depends_on = 2 (depends on no other picture), non-sync flag clear. */
export const SYNC_SAMPLE_FLAGS = 0x02000000;
/** Any other picture: sample_depends_on = 1, sample_is_non_sync_sample = 1 (as FFmpeg writes). */
export const NON_SYNC_SAMPLE_FLAGS = 0x01010000;
/** The sample_is_non_sync_sample bit of a sample_flags word. */
export const NON_SYNC_BIT = 0x00010000;

/** sample_depends_on (0 unknown, 1 depends on others, 2 depends on none) of a sample_flags word. */
export function sampleDependsOn(flags: number): number {
  return (flags >>> 24) & 3;
}

/** `tfhd` tf_flags (§8.8.7.1). */
export const TfhdFlags = {
  BASE_DATA_OFFSET: 0x000001,
  SAMPLE_DESCRIPTION_INDEX: 0x000002,
  DEFAULT_SAMPLE_DURATION: 0x000008,
  DEFAULT_SAMPLE_SIZE: 0x000010,
  DEFAULT_SAMPLE_FLAGS: 0x000020,
  DURATION_IS_EMPTY: 0x010000,
  DEFAULT_BASE_IS_MOOF: 0x020000,
} as const;

/** `trun` tr_flags (§8.8.8.1). */
export const TrunFlags = {
  DATA_OFFSET: 0x000001,
  FIRST_SAMPLE_FLAGS: 0x000004,
  SAMPLE_DURATION: 0x000100,
  SAMPLE_SIZE: 0x000200,
  SAMPLE_FLAGS: 0x000400,
  SAMPLE_COMPOSITION_TIME_OFFSET: 0x000800,
} as const;
