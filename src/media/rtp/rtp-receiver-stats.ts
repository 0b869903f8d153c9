/**
 * Reception statistics of one RTP source, for receiver reports (RFC 3550 §6.4.1): extended
 * highest sequence number (Appendix A.1), packets lost and the fraction lost per interval
 * (A.3), interarrival jitter (A.8), and LSR/DLSR from the last sender report (§6.4.1).
 * Pure: the caller passes arrival times in milliseconds of any monotonic clock.
 */

import type { ReportBlock } from "./rtcp-receiver-report.ts";
import type { SenderReport } from "./rtcp-sender-report.ts";

/** Counts what arrived from one SSRC. */
export class RtpReceiverStats {
  private ssrc = -1;
  private baseSeq = 0;
  private maxSeq = 0;
  private cycles = 0;
  private received = 0;
  private expectedPrior = 0;
  private receivedPrior = 0;
  private jitter = 0;
  private lastTransit: number | undefined;
  private lastSr: { middle: number; arrivalMs: number } | undefined;

  /** @param clockRate the RTP clock in Hz (jitter is kept in its units) */
  constructor(private readonly clockRate: number) {}

  /** Packets received so far. */
  get packets(): number {
    return this.received;
  }

  /**
   * Takes one packet's header fields. A new SSRC restarts the counts (the camera restarted its
   * stream). Over TCP packets arrive in order; an old or repeated sequence number is counted as
   * received but does not move the highest one.
   */
  onPacket(ssrc: number, sequenceNumber: number, rtpTimestamp: number, arrivalMs: number): void {
    if (ssrc !== this.ssrc) {
      this.ssrc = ssrc;
      this.baseSeq = this.maxSeq = sequenceNumber;
      this.cycles = this.received = this.expectedPrior = this.receivedPrior = 0;
      this.jitter = 0;
      this.lastTransit = undefined;
    } else {
      const delta = (sequenceNumber - this.maxSeq) & 0xffff;
      if (delta > 0 && delta < 0x8000) {
        if (sequenceNumber < this.maxSeq) this.cycles += 0x10000; // wrapped (A.1)
        this.maxSeq = sequenceNumber;
      }
    }
    this.received++;
    // A.8: transit = arrival - timestamp, both in RTP units; J += (|D| - J) / 16.
    const transit = (arrivalMs * this.clockRate) / 1000 - rtpTimestamp;
    if (this.lastTransit !== undefined) {
      let d = transit - this.lastTransit;
      // RTP timestamps wrap at 2^32: take the difference modulo 2^32 as a signed value.
      d = (((d % 0x1_0000_0000) + 0x1_8000_0000) % 0x1_0000_0000) - 0x8000_0000;
      this.jitter += (Math.abs(d) - this.jitter) / 16;
    }
    this.lastTransit = transit;
  }

  /** Remembers a sender report of this source for LSR/DLSR (§6.4.1). */
  onSenderReport(sr: SenderReport, arrivalMs: number): void {
    const middle = (((sr.ntpSeconds & 0xffff) << 16) | (sr.ntpFraction >>> 16)) >>> 0;
    this.lastSr = { middle, arrivalMs };
  }

  /**
   * The report block for the interval since the previous call (A.3), or undefined before the
   * first packet.
   */
  reportBlock(nowMs: number): ReportBlock | undefined {
    if (this.ssrc < 0) return undefined;
    const extended = this.cycles + this.maxSeq;
    const expected = extended - this.baseSeq + 1;
    const lost = expected - this.received;
    const expectedInterval = expected - this.expectedPrior;
    const receivedInterval = this.received - this.receivedPrior;
    this.expectedPrior = expected;
    this.receivedPrior = this.received;
    const lostInterval = expectedInterval - receivedInterval;
    const fractionLost = expectedInterval <= 0 || lostInterval <= 0 ? 0 : Math.min(255, Math.floor((lostInterval * 256) / expectedInterval));
    const sr = this.lastSr;
    return {
      ssrc: this.ssrc,
      fractionLost,
      cumulativeLost: lost,
      extendedHighestSequence: extended % 0x1_0000_0000,
      jitter: Math.min(0xffffffff, Math.floor(this.jitter)),
      lastSenderReport: sr?.middle ?? 0,
      delaySinceLastSenderReport: sr ? Math.min(0xffffffff, Math.max(0, Math.floor(((nowMs - sr.arrivalMs) * 65536) / 1000))) : 0,
    };
  }
}
