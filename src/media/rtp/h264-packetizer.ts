/**
 * H.264 RTP packetizer, packetization-mode 1 (RFC 6184 §6.3, non-interleaved): consecutive
 * SPS and PPS aggregated into one STAP-A (§5.7.1), other NAL units as single NAL unit packets
 * (§5.6) or, when larger than the MTU, as FU-A fragments (§5.8). Access unit delimiters are
 * dropped: the marker bit and the timestamp already delimit access units (§5.1).
 *
 * camserver packetizes once per camera and hands the same packets to every viewer; only SRTP and,
 * if needed, {@link rewriteRtpHeader} happen per viewer. So a returned packet is immutable: nobody
 * may write to it. Each packet is its own buffer (one allocation per packet).
 */

import type { AccessUnit } from "../access-unit.ts";
import { InvalidFieldError } from "../errors.ts";
import { NalType } from "../nal.ts";
import { nalBytes } from "../nal-unit.ts";
import { FU_A_HEADER_BYTES, FU_END, FU_START, H264PayloadType, STAP_A_HEADER_BYTES, STAP_A_SIZE_BYTES } from "./h264-rtp.ts";
import { isParameterSet, isSingleNalType, rtpTimestamp } from "./h264-rtp.ts";
import { MAX_RTP_PAYLOAD_BYTES, RTP_HEADER_BYTES, checkUint, writeRtpHeader } from "./rtp-header.ts";

/** Options of {@link H264Packetizer}. */
export interface H264PacketizerOptions {
  /**
   * RTP payload type, 0..127; the dynamic type the SDP maps to H264/90000 (RFC 3551 §6).
   * @defaultValue 96
   */
  readonly payloadType?: number;
  /**
   * SSRC, 0..2^32-1. RFC 3550 §8 wants it random; pass one when no sender rewrites it.
   * @defaultValue 0
   */
  readonly ssrc?: number;
  /**
   * Largest RTP payload in bytes, header excluded, 3..65495. 1200 leaves room for IPv6, UDP,
   * SRTP's tag and TURN framing inside a 1280-byte path MTU (WebRTC's usual choice).
   * @defaultValue 1200
   */
  readonly mtu?: number;
  /**
   * Sequence number of the first packet, 0..65535 (RFC 3550 §5.1 wants it random).
   * @defaultValue 0
   */
  readonly initialSequenceNumber?: number;
  /**
   * 90 kHz ticks added to every pts before it is taken modulo 2^32 (RFC 3550 §5.1 random offset).
   * @defaultValue 0
   */
  readonly timestampOffset?: number;
}

/**
 * Turns access units into RTP packets (RFC 6184 packetization-mode 1). Sequence numbers run
 * on across calls, wrapping after 65535. Not reentrant; one per camera.
 */
export class H264Packetizer {
  private readonly mtu: number;
  private readonly timestampOffset: number;
  private seq: number;
  /** The header every packet starts from: PT and SSRC fixed, the AU's timestamp set per call. */
  private readonly header = new Uint8Array(RTP_HEADER_BYTES);
  private readonly view = new DataView(this.header.buffer);

  /** @throws InvalidFieldError for an option out of its range */
  constructor(options: H264PacketizerOptions = {}) {
    const o = "H264PacketizerOptions";
    const payloadType = checkUint(o, "payloadType", options.payloadType ?? 96, 0x7f);
    const ssrc = checkUint(o, "ssrc", options.ssrc ?? 0, 0xffffffff);
    writeRtpHeader(this.header, { marker: false, payloadType, sequenceNumber: 0, timestamp: 0, ssrc });
    this.mtu = checkUint(o, "mtu", options.mtu ?? 1200, MAX_RTP_PAYLOAD_BYTES);
    if (this.mtu <= FU_A_HEADER_BYTES) throw new InvalidFieldError(o, "mtu", this.mtu); // FU-A needs 1 byte of room
    this.seq = checkUint(o, "initialSequenceNumber", options.initialSequenceNumber ?? 0, 0xffff);
    this.timestampOffset = options.timestampOffset ?? 0;
    if (!Number.isSafeInteger(this.timestampOffset)) throw new InvalidFieldError(o, "timestampOffset", this.timestampOffset);
  }

  /** Sequence number the next packet will carry, 0..65535. */
  get nextSequenceNumber(): number {
    return this.seq;
  }

  /**
   * Packetizes one access unit.
   * @param au NAL units without start codes; empty NAL units and AUDs (type 9) are skipped
   * @returns whole RTP packets (12-byte header + payload of at most `mtu` bytes) in send order,
   *   all with timestamp (pts + timestampOffset) mod 2^32, the marker bit on the last one only;
   *   [] when nothing is left to send (and then no sequence number is used). Immutable once returned.
   * @throws InvalidFieldError for a NAL unit of type 0 or 24..31 (not sendable, §5.6) or an unsafe pts
   */
  packetize(au: AccessUnit): Uint8Array[] {
    this.view.setUint32(4, rtpTimestamp(au.pts, this.timestampOffset));
    // NAL units in pieces (RTP FU-A from the camera) are joined here, once: fragmenting again
    // for the viewers' MTU reads them as one buffer.
    const nalus = au.nalus.map(nalBytes).filter((n) => n.length > 0 && (n[0]! & 0x1f) !== NalType.AUD);
    const bad = nalus.find((n) => !isSingleNalType(n[0]! & 0x1f));
    if (bad) throw new InvalidFieldError("NAL unit header", "nal_unit_type", bad[0]! & 0x1f);
    const out: Uint8Array[] = [];
    for (let i = 0; i < nalus.length; ) {
      let j = i;
      let size = STAP_A_HEADER_BYTES;
      while (j < nalus.length && isParameterSet(nalus[j]!) && size + STAP_A_SIZE_BYTES + nalus[j]!.length <= this.mtu) {
        size += STAP_A_SIZE_BYTES + nalus[j++]!.length;
      }
      const nalu = nalus[i]!;
      if (j - i >= 2) this.stapA(out, nalus.slice(i, j), size);
      else if (nalu.length <= this.mtu) this.packet(out, nalu.length).set(nalu, RTP_HEADER_BYTES);
      else this.fuA(out, nalu);
      i = Math.max(j, i + 1); // past the STAP-A, or past the one NAL unit sent
    }
    if (out.length > 0) out[out.length - 1]![1]! |= 0x80; // marker bit on the last packet (§5.1)
    return out;
  }

  /** A new packet with its header written and room for `payloadBytes`, appended to `out`. */
  private packet(out: Uint8Array[], payloadBytes: number): Uint8Array {
    const p = new Uint8Array(RTP_HEADER_BYTES + payloadBytes);
    p.set(this.header);
    p[2] = this.seq >>> 8;
    p[3] = this.seq & 0xff;
    this.seq = (this.seq + 1) & 0xffff;
    out.push(p);
    return p;
  }

  /** §5.7.1: F is the OR and NRI the maximum of the aggregated NAL units' (§5.7, §5.3). */
  private stapA(out: Uint8Array[], nalus: Uint8Array[], size: number): void {
    const p = this.packet(out, size);
    let f = 0,
      nri = 0;
    let o = RTP_HEADER_BYTES + STAP_A_HEADER_BYTES;
    for (const n of nalus) {
      f |= n[0]! & 0x80;
      nri = Math.max(nri, n[0]! & 0x60);
      p[o] = n.length >>> 8;
      p[o + 1] = n.length & 0xff;
      p.set(n, o + STAP_A_SIZE_BYTES);
      o += STAP_A_SIZE_BYTES + n.length;
    }
    p[RTP_HEADER_BYTES] = f | nri | H264PayloadType.STAP_A;
  }

  /** §5.8: the NAL header byte becomes FU indicator (F, NRI, 28) and FU header (S, E, type). */
  private fuA(out: Uint8Array[], nalu: Uint8Array): void {
    const indicator = (nalu[0]! & 0xe0) | H264PayloadType.FU_A;
    const type = nalu[0]! & 0x1f;
    const chunk = this.mtu - FU_A_HEADER_BYTES;
    for (let o = 1; o < nalu.length; o += chunk) {
      const end = Math.min(o + chunk, nalu.length);
      const p = this.packet(out, FU_A_HEADER_BYTES + end - o);
      p[RTP_HEADER_BYTES] = indicator;
      p[RTP_HEADER_BYTES + 1] = (o === 1 ? FU_START : 0) | (end === nalu.length ? FU_END : 0) | type;
      p.set(nalu.subarray(o, end), RTP_HEADER_BYTES + FU_A_HEADER_BYTES);
    }
  }
}
