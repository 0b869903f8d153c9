/**
 * RTP timestamps (RFC 3550 §5.1: 32 bits, wrapping, random start, in the payload's clock) to
 * one continuous time line in 90 kHz ticks, the unit of camserver's access units. Consecutive
 * timestamps are taken to differ by less than 2^31 (about 6.6 hours at 90 kHz), so a step across
 * the wrap reads as the small forward step it is, and a step back as a step back.
 */

import { InvalidFieldError } from "../errors.ts";

/** The 90 kHz clock of video RTP payloads (RFC 6184 §5.1) and of camserver's timestamps. */
export const VIDEO_CLOCK_RATE = 90_000;

/** Unwraps one stream's RTP timestamps and rescales them to 90 kHz. */
export class RtpTimeline {
  private first: number | undefined;
  private last = 0;
  private extended = 0;

  /**
   * @param clockRate the stream's RTP clock in Hz, from the SDP's rtpmap
   * @throws InvalidFieldError for a clock rate that is not a positive integer
   */
  constructor(readonly clockRate: number = VIDEO_CLOCK_RATE) {
    if (!Number.isSafeInteger(clockRate) || clockRate <= 0) throw new InvalidFieldError("RtpTimeline", "clockRate", clockRate);
  }

  /**
   * The 90 kHz time of an RTP timestamp, counted from the first timestamp seen (which is 0).
   * @param timestamp 0..2^32-1
   * @returns ticks, negative for a timestamp before the first (B-frames)
   */
  toTicks(timestamp: number): number {
    if (this.first === undefined) {
      this.first = this.last = this.extended = timestamp;
    } else {
      this.extended += (timestamp - this.last) | 0; // ToInt32: the signed 32-bit step
      this.last = timestamp;
    }
    const units = this.extended - this.first;
    return this.clockRate === VIDEO_CLOCK_RATE ? units : Math.round((units * VIDEO_CLOCK_RATE) / this.clockRate);
  }
}
