/**
 * Field values of the FLV container shared by the muxer and the demuxer
 * (Adobe Flash Video File Format Specification v10.1, Annex E: §E.2 header, §E.4 tags).
 */

/** Bytes of the FLV header (§E.2) as written by us; DataOffset says the real size. */
export const FLV_HEADER_BYTES = 9;
/** Bytes of a tag header: TagType .. StreamID (§E.4.1). */
export const FLV_TAG_HEADER_BYTES = 11;
/** Bytes of each PreviousTagSize field (§E.3). */
export const FLV_PREVIOUS_TAG_SIZE_BYTES = 4;
/** Bytes of the AVC VideoTagHeader: FrameType/CodecID, AVCPacketType, CompositionTime (§E.4.3.1). */
export const FLV_AVC_VIDEO_HEADER_BYTES = 5;

/** TagType values (§E.4.1). */
export const FlvTagType = { AUDIO: 8, VIDEO: 9, SCRIPT: 18 } as const;

/** FrameType values of a video tag (§E.4.3.1). */
export const FlvFrameType = { KEY: 1, INTER: 2, DISPOSABLE_INTER: 3, GENERATED_KEY: 4, INFO: 5 } as const;

/** CodecID of AVC (H.264) in a video tag (§E.4.3.1). */
export const FLV_CODEC_AVC = 7;

/** AVCPacketType values (§E.4.3.1). */
export const AvcPacketType = { SEQUENCE_HEADER: 0, NALU: 1, END_OF_SEQUENCE: 2 } as const;

/** Largest DataSize a tag can declare: UI24. */
export const FLV_MAX_DATA_SIZE = 0xffffff;
