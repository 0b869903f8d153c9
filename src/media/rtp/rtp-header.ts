/**
 * The RTP fixed header (RFC 3550 §5.1): write the 12 bytes camserver sends, read any
 * version-2 packet (CSRC list, header extension §5.3.1 and padding skipped), and rewrite
 * the per-receiver fields of a shared packet into a copy.
 *
 * ```
 *  0                   1                   2                   3
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 * |                           timestamp                           |
 * |           synchronization source (SSRC) identifier            |
 * ```
 */

import { InvalidFieldError, TruncatedError } from "../errors.ts";

/** Bytes of the fixed RTP header without CSRC entries (RFC 3550 §5.1). */
export const RTP_HEADER_BYTES = 12;
/** Largest RTP payload over IPv4/UDP, in bytes: 65535 - 20 (IP) - 8 (UDP) - 12 (RTP header). */
export const MAX_RTP_PAYLOAD_BYTES = 65_495;

/** The fields of the fixed header camserver sets (RFC 3550 §5.1). */
export interface RtpHeader {
  /** M bit; for H.264 set on the last packet of an access unit (RFC 6184 §5.1). */
  readonly marker: boolean;
  /** PT, 0..127; dynamic H.264 types are 96..127 (RFC 3551 §6). */
  readonly payloadType: number;
  /** 0..65535, +1 per packet, wrapping to 0 after 65535. */
  readonly sequenceNumber: number;
  /** 0..2^32-1, 90 kHz ticks for video (RFC 6184 §5.1), wrapping. */
  readonly timestamp: number;
  /** Synchronization source identifier, 0..2^32-1. */
  readonly ssrc: number;
}

/** A parsed RTP packet: its header fields and a view of its payload. */
export interface RtpPacketView extends RtpHeader {
  /** The payload without CSRC list, extension and padding; a subarray of the packet, not a copy. */
  readonly payload: Uint8Array;
}

/**
 * Checks that `value` is an integer in 0..max.
 * @throws InvalidFieldError naming `structure` and `field` otherwise
 */
export function checkUint(structure: string, field: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 0 || value > max) throw new InvalidFieldError(structure, field, value);
  return value;
}

/**
 * Writes a 12-byte header at `offset`: V=2, P=0, X=0, CC=0. Fields are not checked here;
 * {@link rewriteRtpHeader} and the packetizer check them once, up front.
 * @param out buffer with at least `offset + 12` bytes
 */
export function writeRtpHeader(out: Uint8Array, h: RtpHeader, offset = 0): void {
  out[offset] = 0x80;
  out[offset + 1] = (h.marker ? 0x80 : 0) | h.payloadType;
  out[offset + 2] = h.sequenceNumber >>> 8;
  out[offset + 3] = h.sequenceNumber & 0xff;
  writeU32(out, offset + 4, h.timestamp);
  writeU32(out, offset + 8, h.ssrc);
}

function writeU32(out: Uint8Array, at: number, v: number): void {
  out[at] = v >>> 24;
  out[at + 1] = (v >>> 16) & 0xff;
  out[at + 2] = (v >>> 8) & 0xff;
  out[at + 3] = v & 0xff;
}

function readU32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) >>> 0) + ((b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!);
}

/**
 * Parses an RTP packet (RFC 3550 §5.1, extension §5.3.1, padding per the P bit).
 * @param packet one whole RTP packet, as received
 * @returns header fields and the payload as a subarray of `packet`
 * @throws TruncatedError when the header, CSRC list or extension runs past the end
 * @throws InvalidFieldError for a version other than 2 or a padding count that does not fit
 */
export function readRtpPacket(packet: Uint8Array): RtpPacketView {
  if (packet.length < RTP_HEADER_BYTES) throw new TruncatedError("RTP header", RTP_HEADER_BYTES, packet.length);
  const b0 = packet[0]!;
  if (b0 >> 6 !== 2) throw new InvalidFieldError("RTP header", "version", b0 >> 6);
  let start = RTP_HEADER_BYTES + (b0 & 0x0f) * 4;
  if (start > packet.length) throw new TruncatedError("RTP CSRC list", start, packet.length);
  if (b0 & 0x10) {
    if (start + 4 > packet.length) throw new TruncatedError("RTP header extension", start + 4, packet.length);
    start += 4 + ((packet[start + 2]! << 8) | packet[start + 3]!) * 4;
    if (start > packet.length) throw new TruncatedError("RTP header extension", start, packet.length);
  }
  let end = packet.length;
  if (b0 & 0x20) {
    const pad = packet[end - 1]!;
    if (pad === 0 || pad > end - start) throw new InvalidFieldError("RTP packet", "padding count", pad);
    end -= pad;
  }
  return {
    marker: (packet[1]! & 0x80) !== 0,
    payloadType: packet[1]! & 0x7f,
    sequenceNumber: (packet[2]! << 8) | packet[3]!,
    timestamp: readU32(packet, 4),
    ssrc: readU32(packet, 8),
    payload: packet.subarray(start, end),
  };
}

/** Header fields a receiver may need changed on a shared packet. */
export type RtpHeaderRewrite = Partial<Pick<RtpHeader, "payloadType" | "sequenceNumber" | "timestamp" | "ssrc">>;

/**
 * A copy of `packet` with some fixed-header fields replaced, for a viewer that negotiated
 * another payload type or needs its own SSRC, sequence or timestamp space. `packet` is
 * shared by every viewer of a camera and is never written to.
 * @param packet a packet from {@link readRtpPacket}-compatible bytes (12-byte header at least)
 * @returns a new buffer of the same length
 * @throws TruncatedError when `packet` is shorter than 12 bytes
 * @throws InvalidFieldError for a field out of range (PT 0..127, sequence 0..65535, 32-bit others)
 */
export function rewriteRtpHeader(packet: Uint8Array, fields: RtpHeaderRewrite): Uint8Array {
  if (packet.length < RTP_HEADER_BYTES) throw new TruncatedError("RTP header", RTP_HEADER_BYTES, packet.length);
  const out = packet.slice();
  const { payloadType, sequenceNumber, timestamp, ssrc } = fields;
  if (payloadType !== undefined) out[1] = (out[1]! & 0x80) | checkUint("RTP header", "payload type", payloadType, 0x7f);
  if (sequenceNumber !== undefined) {
    checkUint("RTP header", "sequence number", sequenceNumber, 0xffff);
    out[2] = sequenceNumber >>> 8;
    out[3] = sequenceNumber & 0xff;
  }
  if (timestamp !== undefined) writeU32(out, 4, checkUint("RTP header", "timestamp", timestamp, 0xffffffff));
  if (ssrc !== undefined) writeU32(out, 8, checkUint("RTP header", "SSRC", ssrc, 0xffffffff));
  return out;
}
