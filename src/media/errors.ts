/**
 * Typed errors of the pure media layer. Every parser in `src/media` throws only
 * `MediaError` subclasses, named after the condition of the spec they break.
 */

/** Base class of every error thrown by `src/media`. */
export class MediaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Input ended in the middle of a structure (a tag, a NAL unit length, an SPS field). */
export class TruncatedError extends MediaError {
  /** @param needed bytes the structure needs; @param available bytes there were */
  constructor(
    readonly structure: string,
    readonly needed: number,
    readonly available: number,
  ) {
    super(`${structure}: needs ${needed} bytes, has ${available}`);
  }
}

/** A field holds a value the spec forbids or that we do not support. */
export class InvalidFieldError extends MediaError {
  constructor(
    readonly structure: string,
    readonly field: string,
    readonly value: number | string,
  ) {
    super(`${structure}: invalid ${field} = ${value}`);
  }
}

/** A structure is larger than the bound the caller allows (no unbounded buffering). */
export class TooLargeError extends MediaError {
  /** @param size bytes the structure declares or has grown to; @param limit bytes allowed */
  constructor(
    readonly structure: string,
    readonly size: number,
    readonly limit: number,
  ) {
    super(`${structure}: ${size} bytes exceeds the limit of ${limit}`);
  }
}

/** An FLV video tag carries a codec other than AVC (Adobe FLV spec v10.1 §E.4.3.1 CodecID). */
export class UnsupportedCodecError extends MediaError {
  /**
   * @param codecId the tag's CodecID (7 is AVC; 2 Sorenson H.263, 4 VP6, 12 HEVC in some
   *   Chinese forks), or the FourCC of an Enhanced RTMP video tag such as "hvc1"
   */
  constructor(readonly codecId: number | string) {
    super(`FLV video tag: unsupported codec ${codecId}, only CodecID 7 (AVC) is supported`);
  }
}

/**
 * A box that the ISO base media file format (ISO/IEC 14496-12) makes mandatory in its
 * container is absent, e.g. an `mfhd` in a `moof` (§8.8.5) or an `avcC` in an `avc1` sample
 * entry (ISO/IEC 14496-15 §5.4.2).
 */
export class MissingBoxError extends MediaError {
  /** @param container the box searched, e.g. "moof"; @param box the four-character type missing */
  constructor(
    readonly container: string,
    readonly box: string,
  ) {
    super(`${container}: mandatory box '${box}' is missing`);
  }
}

/**
 * Decoding times that do not increase: ISO/IEC 14496-12 §8.6.1.2 derives each decoding time
 * from the previous one plus an unsigned sample delta, so a sample cannot decode before the
 * one in front of it.
 */
export class DecodeTimeOrderError extends MediaError {
  /** @param previous decoding time of the sample before; @param dts the offending one (ticks) */
  constructor(
    readonly previous: number,
    readonly dts: number,
  ) {
    super(`decoding time ${dts} does not follow ${previous}: decoding times must increase`);
  }
}
