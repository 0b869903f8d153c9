/**
 * The RTCP receiver report (RFC 3550 §6.4.2) a receiver sends every few seconds, with one
 * report block (§6.4.1) about the one source it receives. Cameras use RTCP reports, like RTSP
 * requests, as a sign that the client is alive.
 *
 * ```
 * |V=2|P|  RC=1   |   PT=RR=201   |          length = 7           |
 * |                     SSRC of packet sender                     |
 * |                 SSRC_1 (SSRC of first source)                 |
 * | fraction lost |       cumulative number of packets lost       |
 * |           extended highest sequence number received           |
 * |                      interarrival jitter                      |
 * |                         last SR (LSR)                         |
 * |                   delay since last SR (DLSR)                  |
 * ```
 */

import { InvalidFieldError } from "../errors.ts";
import { RTCP_RR } from "./rtcp-sender-report.ts";

/** One report block (§6.4.1). */
export interface ReportBlock {
  /** SSRC of the source reported on. */
  readonly ssrc: number;
  /** Fraction of packets lost since the last report, 0..255 (loss * 256). */
  readonly fractionLost: number;
  /** Packets lost since the start, clamped to the signed 24-bit range. */
  readonly cumulativeLost: number;
  /** Cycles * 65536 + highest sequence number received, 0..2^32-1. */
  readonly extendedHighestSequence: number;
  /** Interarrival jitter in RTP timestamp units, 0..2^32-1. */
  readonly jitter: number;
  /** Middle 32 bits of the last SR's NTP timestamp, or 0 when none came. */
  readonly lastSenderReport: number;
  /** Delay since that SR in 1/65536 s, or 0 when none came. */
  readonly delaySinceLastSenderReport: number;
}

function put32(b: DataView, at: number, v: number, field: string): void {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new InvalidFieldError("RTCP receiver report", field, v);
  b.setUint32(at, v);
}

/**
 * The bytes of a receiver report: 8 bytes without a block (nothing received yet), else 32.
 * @param ssrc the receiver's own SSRC (any 32-bit value; RFC 3550 §8 wants it random)
 * @throws InvalidFieldError for a field out of its range
 */
export function buildReceiverReport(ssrc: number, block?: ReportBlock): Uint8Array {
  const out = new Uint8Array(block ? 32 : 8);
  const v = new DataView(out.buffer);
  out[0] = 0x80 | (block ? 1 : 0);
  out[1] = RTCP_RR;
  v.setUint16(2, out.length / 4 - 1);
  put32(v, 4, ssrc, "SSRC");
  if (!block) return out;
  put32(v, 8, block.ssrc, "SSRC_1");
  if (!Number.isInteger(block.fractionLost) || block.fractionLost < 0 || block.fractionLost > 255) {
    throw new InvalidFieldError("RTCP receiver report", "fraction lost", block.fractionLost);
  }
  const lost = Math.max(-0x800000, Math.min(0x7fffff, Math.trunc(block.cumulativeLost)));
  v.setUint32(12, ((block.fractionLost << 24) | (lost & 0xffffff)) >>> 0);
  put32(v, 16, block.extendedHighestSequence, "extended highest sequence number");
  put32(v, 20, block.jitter, "jitter");
  put32(v, 24, block.lastSenderReport, "LSR");
  put32(v, 28, block.delaySinceLastSenderReport, "DLSR");
  return out;
}
