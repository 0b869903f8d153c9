/**
 * Ring timestamps (CLOCK_MONOTONIC microseconds, infra/shm/camserver_shm.h) to access unit
 * decoding times (90 kHz ticks, as RTP video uses: RFC 6184 §5.1) that start at 0 and
 * always increase, as the fMP4 muxer requires (ISO/IEC 14496-12 §8.6.1.2). A timestamp
 * that goes back, stands still or jumps by more than a minute (a writer restarted on
 * another clock, a new ring) does not move the time line back: it continues one frame
 * duration after the last access unit, and the timestamps that follow count from there.
 */

/** Ticks per microsecond of the 90 kHz clock. */
const TICKS_PER_US = 0.09;
/** Larger forward jumps than this are discontinuities, not a paused camera: 60 s. */
const MAX_GAP_TICKS = 60 * 90_000;
/** Frame duration assumed before two consecutive frames were seen: 1/30 s. */
const DEFAULT_STEP = 3000;

/** Decoding times of one source session. */
export class RingTimeline {
  private originUs: number | undefined;
  private last = 0;
  private step = DEFAULT_STEP;
  private jump = false;

  /** The next timestamp is on a new time line (the ring was recreated): continue after the last one. */
  discontinuity(): void {
    this.jump = true;
  }

  /**
   * The decoding time of the next frame.
   * @param timestampUs the frame's ring timestamp, microseconds
   * @param consecutive no frame was lost since the previous one (its spacing is a frame duration)
   * @returns 90 kHz ticks: 0 for the first frame, then strictly increasing
   */
  dts(timestampUs: number, consecutive = true): number {
    if (this.originUs === undefined) {
      this.originUs = timestampUs;
      this.jump = false;
      return 0;
    }
    let dts = Math.round((timestampUs - this.originUs) * TICKS_PER_US);
    const delta = dts - this.last;
    if (this.jump || delta <= 0 || delta > MAX_GAP_TICKS) {
      dts = this.last + this.step;
      this.originUs = timestampUs - dts / TICKS_PER_US;
      this.jump = false;
    } else if (consecutive && delta < 90_000) {
      this.step = delta;
    }
    this.last = dts;
    return dts;
  }
}
