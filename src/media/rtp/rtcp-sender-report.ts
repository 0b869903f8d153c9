/**
 * Reading RTCP sender reports (RFC 3550 §6.4.1) out of a compound RTCP packet (§6.1): each
 * packet's common header (V=2, P, count, PT, length in 32-bit words minus one), SR (PT 200)
 * sender info kept, every other packet type skipped.
 *
 * ```
 * |V=2|P|    RC   |   PT=SR=200   |             length            |
 * |                         SSRC of sender                        |
 * |              NTP timestamp, most significant word             |
 * |             NTP timestamp, least significant word             |
 * |                         RTP timestamp                         |
 * |                     sender's packet count                     |
 * |                      sender's octet count                     |
 * ```
 *
 * A Hanwha QNV-8080R sends compound packets whose last packet runs past the end (gortsplib's
 * rtcpunmarshaler tests); reading stops there and keeps the reports read before it.
 */

import { InvalidFieldError, TruncatedError } from "../errors.ts";

/** RTCP packet type of a sender report (§12.1). */
export const RTCP_SR = 200;
/** RTCP packet type of a receiver report (§12.1). */
export const RTCP_RR = 201;

/** The sender info of one SR. */
export interface SenderReport {
  /** SSRC of the sender, 0..2^32-1. */
  readonly ssrc: number;
  /** NTP timestamp, seconds since 1900 (most significant word). */
  readonly ntpSeconds: number;
  /** NTP timestamp, fraction of a second in 1/2^32 units (least significant word). */
  readonly ntpFraction: number;
  /** The RTP timestamp that corresponds to the NTP time, in the stream's clock. */
  readonly rtpTimestamp: number;
  readonly packetCount: number;
  readonly octetCount: number;
}

function u32(b: Uint8Array, at: number): number {
  return b[at]! * 0x1000000 + ((b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!);
}

/**
 * The sender reports in a compound RTCP packet, in order.
 * @throws TruncatedError when not even one 4-byte header is there
 * @throws InvalidFieldError when the first packet's version is not 2
 */
export function readSenderReports(packet: Uint8Array): SenderReport[] {
  if (packet.length < 4) throw new TruncatedError("RTCP header", 4, packet.length);
  if (packet[0]! >> 6 !== 2) throw new InvalidFieldError("RTCP header", "version", packet[0]! >> 6);
  const out: SenderReport[] = [];
  for (let o = 0; o + 4 <= packet.length; ) {
    if (packet[o]! >> 6 !== 2) break;
    const end = o + 4 + ((packet[o + 2]! << 8) | packet[o + 3]!) * 4;
    if (end > packet.length) break;
    if (packet[o + 1] === RTCP_SR && end - o >= 28) {
      out.push({
        ssrc: u32(packet, o + 4),
        ntpSeconds: u32(packet, o + 8),
        ntpFraction: u32(packet, o + 12),
        rtpTimestamp: u32(packet, o + 16),
        packetCount: u32(packet, o + 20),
        octetCount: u32(packet, o + 24),
      });
    }
    o = end;
  }
  return out;
}
