/**
 * RTP packets of one H.264 stream (RFC 6184, packetization-mode 0 and 1: single NAL unit
 * packets §5.6, STAP-A §5.7.1, FU-A §5.8) to camserver access units with continuous 90 kHz
 * timestamps. This is the receiving end of the native RTSP client; `H264Depacketizer` stays the
 * strict one for loopback tests.
 *
 * - An access unit ends at the marker bit (§5.1) or when the timestamp changes: FLIR M400
 *   cameras never set the marker (gortsplib's rtph264 decoder splits by timestamp for them).
 * - A sequence gap (loss, duplicate) drops the access unit it touches, and nothing is emitted
 *   until the next IDR; gaps are counted. The stream starts at an IDR too.
 * - An IDR is emitted only once SPS and PPS are known (from the SDP or in-band); in-band ones
 *   replace the SDP's and are reported when they change.
 * - Timestamps are unwrapped and rescaled by `RtpTimeline`; dts = pts, kept strictly increasing
 *   (a step back, e.g. B-frames, gets the previous dts + 1: no reordering is modelled), and a
 *   jump of more than `maxJumpMs` either way (a camera that restarted its clock) continues at
 *   the previous step.
 * - SPS/PPS are learned from every completed access unit, also ones dropped while waiting for
 *   an IDR; an "access unit" of parameter sets or SEI alone (no slice) is learned, not emitted.
 * - Vendor quirks taken from gortsplib: an FU-A with both S and E set (CostarHD) is one whole NAL
 *   unit; NAL units that carry Annex B start codes inside are split; zero padding after the last
 *   STAP-A unit is ignored.
 *
 * Malformed packets never throw: the access unit is dropped and the error is returned, so the
 * caller can decide when a camera is sending garbage.
 *
 * Packets are taken over, not copied: NAL units of single NAL unit packets and STAP-A are views
 * of the packet, and FU-A fragments are joined with one copy, or (`joinFragments: false`) a
 * slice is handed on as its pieces (`NalPieces`, views of the packets). So a packet must not be
 * written to after `push` (the RTSP stream parser and the UDP receiver hand over fresh buffers).
 */

import type { AccessUnit } from "../access-unit.ts";
import { InvalidFieldError, MediaError, TooLargeError, TruncatedError } from "../errors.ts";
import { isVcl, NalType, nalType } from "../nal.ts";
import { NalPieces, type NalUnit, nalBytes } from "../nal-unit.ts";
import { emitNalu, findStartCode } from "../start-code.ts";
import { FU_A_HEADER_BYTES, FU_END, FU_START, H264PayloadType, STAP_A_HEADER_BYTES, isSingleNalType } from "./h264-rtp.ts";
import { readRtpPacket, type RtpPacketView } from "./rtp-header.ts";
import { RtpTimeline, VIDEO_CLOCK_RATE } from "./rtp-timeline.ts";

/** Options of {@link H264AccessUnitAssembler}. */
export interface H264AssemblerOptions {
  /** RTP clock rate of the stream in Hz (the SDP's rtpmap). @defaultValue 90000 */
  readonly clockRate?: number;
  /** The payload type the SDP gave H.264; packets with another one are reported. @defaultValue any */
  readonly payloadType?: number;
  /** SPS NAL units known before the first packet (sprop-parameter-sets). @defaultValue [] */
  readonly sps?: readonly Uint8Array[];
  /** PPS NAL units known before the first packet. @defaultValue [] */
  readonly pps?: readonly Uint8Array[];
  /** Largest access unit in bytes of NAL units. @defaultValue 8 MiB */
  readonly maxAccessUnitBytes?: number;
  /** Most NAL units in one access unit. @defaultValue 1024 */
  readonly maxNalUnits?: number;
  /** A timestamp step larger than this (either way) is a clock restart, in ms. @defaultValue 10000 */
  readonly maxJumpMs?: number;
  /**
   * Join a slice's FU-A fragments into one buffer (true), or hand it on as `NalPieces`, views
   * of the packets, so that its bytes are copied once, where a consumer writes them (false:
   * the RTSP receiver). Parameter sets, SEI and NAL units with start codes inside are joined
   * either way. @defaultValue true
   */
  readonly joinFragments?: boolean;
}

/** What one packet produced. */
export interface AssemblerOutput {
  /** Access units completed by this packet, in order: none, one, or two (timestamp change and marker). */
  readonly units: AccessUnit[];
  /** Set when in-band SPS/PPS changed the known ones: the sets now in force. */
  readonly parameterSets?: { readonly sps: readonly Uint8Array[]; readonly pps: readonly Uint8Array[] };
  /** Why this packet was dropped as malformed, if it was. */
  readonly error?: MediaError;
}

function sameList(a: readonly Uint8Array[], b: readonly Uint8Array[]): boolean {
  return a.length === b.length && a.every((x, i) => x.length === b[i]!.length && x.every((v, j) => v === b[i]![j]));
}

/** Splits a NAL unit a vendor filled with Annex B start codes; most come back as they are. */
function splitEmbedded(nalu: Uint8Array, out: NalUnit[]): void {
  let at = findStartCode(nalu, 0, nalu.length);
  if (at < 0) {
    out.push(nalu);
    return;
  }
  emitNalu(nalu, 0, at, out);
  while (at >= 0) {
    const start = at + 3;
    at = findStartCode(nalu, start, nalu.length);
    emitNalu(nalu, start, at < 0 ? nalu.length : at, out);
  }
}

/**
 * Whether a start code 0x000001 lies in the pieces, also across their boundaries (a vendor's
 * Annex B inside RTP: the NAL unit must be split, see `splitEmbedded`).
 */
function piecesHaveStartCode(pieces: readonly Uint8Array[]): boolean {
  let b2 = -1; // the two bytes before the current piece
  let b1 = -1;
  for (const p of pieces) {
    if (findStartCode(p, 0, p.length) >= 0) return true;
    const c0 = p[0] ?? -1;
    const c1 = p.length > 1 ? p[1]! : -1;
    if ((b2 === 0 && b1 === 0 && c0 === 1) || (b1 === 0 && c0 === 0 && c1 === 1)) return true;
    if (p.length >= 2) {
      b2 = p[p.length - 2]!;
      b1 = p[p.length - 1]!;
    } else if (p.length === 1) {
      b2 = b1;
      b1 = c0;
    }
  }
  return false;
}

/** Turns one SSRC's RTP packets into access units. Not reentrant; one per stream. */
export class H264AccessUnitAssembler {
  private readonly timeline: RtpTimeline;
  private readonly payloadType: number | undefined;
  private readonly maxBytes: number;
  private readonly maxNalus: number;
  private readonly maxJump: number;
  private sps: readonly Uint8Array[];
  private pps: readonly Uint8Array[];
  private expectedSeq = -1;
  private timestamp = -1;
  private nalus: NalUnit[] = [];
  private bytes = 0;
  private readonly joinFragments: boolean;
  private fu: Uint8Array[] | undefined;
  /** Bytes of the open fragmented NAL unit so far, its rebuilt header byte included. */
  private fuBytes = 0;
  private skipping = false;
  private waitKeyframe = true;
  private lastDts: number | undefined;
  private lastStep = 3000;
  /** 90 kHz ticks added to the time line after clock jumps. */
  private offset = 0;
  private setsChanged = false;
  /** Sequence gaps seen (each a run of lost, duplicated or reordered packets). */
  gaps = 0;
  /** Access units dropped: broken by a gap or a bad packet, waiting for an IDR, or an IDR without SPS/PPS. */
  dropped = 0;
  /** Timestamp jumps over `maxJumpMs` that were smoothed over. */
  jumps = 0;

  /** @throws InvalidFieldError for an option out of range */
  constructor(options: H264AssemblerOptions = {}) {
    this.timeline = new RtpTimeline(options.clockRate ?? VIDEO_CLOCK_RATE);
    this.payloadType = options.payloadType;
    this.sps = options.sps ?? [];
    this.pps = options.pps ?? [];
    this.maxBytes = options.maxAccessUnitBytes ?? 8 * 1024 * 1024;
    this.joinFragments = options.joinFragments ?? true;
    this.maxNalus = options.maxNalUnits ?? 1024;
    const jumpMs = options.maxJumpMs ?? 10_000;
    for (const [k, v] of [
      ["maxAccessUnitBytes", this.maxBytes],
      ["maxNalUnits", this.maxNalus],
      ["maxJumpMs", jumpMs],
    ] as const) {
      if (!Number.isSafeInteger(v) || v <= 0) throw new InvalidFieldError("H264AssemblerOptions", k, v);
    }
    this.maxJump = jumpMs * 90;
  }

  /** SPS/PPS in force: the SDP's until in-band ones arrive. */
  get parameterSets(): { sps: readonly Uint8Array[]; pps: readonly Uint8Array[] } {
    return { sps: this.sps, pps: this.pps };
  }

  /**
   * Feeds one RTP packet, which the assembler keeps views of (see the module comment).
   * @returns the access units it completes, changed parameter sets, and the error of a dropped packet
   */
  push(packet: Uint8Array): AssemblerOutput {
    let p: RtpPacketView;
    try {
      p = readRtpPacket(packet);
    } catch (e) {
      if (!(e instanceof MediaError)) throw e;
      this.drop();
      return { units: [], error: e };
    }
    return this.pushPacket(p);
  }

  /**
   * {@link push} for a packet the caller has parsed already (`readRtpPacket`), so a receiver
   * that reads the header for its statistics parses each packet once.
   */
  pushPacket(p: RtpPacketView): AssemblerOutput {
    const units: AccessUnit[] = [];
    this.setsChanged = false;
    const finish = () => {
      const au = this.finish();
      if (au) units.push(au);
    };
    let error: MediaError | undefined;
    try {
      if (this.payloadType !== undefined && p.payloadType !== this.payloadType) {
        throw new InvalidFieldError("RTP packet", "payload type", p.payloadType);
      }
      const gap = this.expectedSeq >= 0 && p.sequenceNumber !== this.expectedSeq;
      this.expectedSeq = (p.sequenceNumber + 1) & 0xffff;
      if (p.timestamp !== this.timestamp) {
        if (this.nalus.length > 0 && !gap)
          finish(); // no marker came: the timestamp ends it
        else if (this.nalus.length > 0 || this.fu) this.drop();
        this.reset(false);
        this.timestamp = p.timestamp;
      }
      if (gap) {
        this.gaps++;
        this.drop();
      }
      if (!this.skipping) this.payload(p.payload);
      if (p.marker) {
        if (!this.skipping) finish();
        this.reset(false);
        this.timestamp = -1;
      }
    } catch (e) {
      if (!(e instanceof MediaError)) throw e;
      error = e;
      this.drop();
    }
    const parameterSets = this.setsChanged ? { sps: this.sps, pps: this.pps } : undefined;
    return { units, ...(parameterSets && { parameterSets }), ...(error && { error }) };
  }

  private payload(b: Uint8Array): void {
    if (b.length === 0) throw new TruncatedError("H.264 RTP payload", 1, 0);
    const type = b[0]! & 0x1f;
    if (type === H264PayloadType.FU_A) return this.fuA(b);
    if (this.fu) throw new InvalidFieldError("H.264 FU-A", "E bit", "0 on the last fragment before another packet");
    if (type === H264PayloadType.STAP_A) return this.stapA(b);
    if (isSingleNalType(type)) return this.add(b);
    if (type === 0 && findStartCode(b, 0, Math.min(b.length, 4)) >= 0) return this.add(b); // Annex B inside RTP
    throw new InvalidFieldError("H.264 RTP payload", "type", type);
  }

  private fuA(b: Uint8Array): void {
    if (b.length <= FU_A_HEADER_BYTES) throw new TruncatedError("H.264 FU-A", FU_A_HEADER_BYTES + 1, b.length);
    const fu = b[1]!;
    const type = fu & 0x1f;
    if (!isSingleNalType(type)) throw new InvalidFieldError("H.264 FU-A", "type", type);
    if (fu & FU_START) {
      if (this.fu) throw new InvalidFieldError("H.264 FU-A", "S bit", "1 while a fragmented NAL unit is open");
      this.fu = [Uint8Array.of((b[0]! & 0xe0) | type)];
      this.fuBytes = 1;
      this.grow(1);
    } else if (!this.fu) {
      throw new InvalidFieldError("H.264 FU-A", "S bit", "0 without a start fragment");
    } else if ((this.fu[0]![0]! & 0x1f) !== type) {
      throw new InvalidFieldError("H.264 FU-A", "type", type);
    }
    this.grow(b.length - FU_A_HEADER_BYTES);
    this.fu.push(b.subarray(FU_A_HEADER_BYTES));
    this.fuBytes += b.length - FU_A_HEADER_BYTES;
    if (!(fu & FU_END)) return;
    const pieces = new NalPieces(this.fu, this.fuBytes);
    this.fu = undefined;
    this.bytes -= pieces.byteLength; // counted while fragments came; add() counts it again
    const keepPieces = !this.joinFragments && isVcl(type) && !piecesHaveStartCode(pieces.pieces);
    this.add(keepPieces ? pieces : pieces.bytes());
  }

  private stapA(b: Uint8Array): void {
    let o = STAP_A_HEADER_BYTES;
    if (b.length < o + 3) throw new TruncatedError("H.264 STAP-A", o + 3, b.length);
    while (o < b.length) {
      if (b.subarray(o).every((x) => x === 0)) break; // padding after the last unit
      if (o + 2 > b.length) throw new TruncatedError("H.264 STAP-A NALU size", 2, b.length - o);
      const size = (b[o]! << 8) | b[o + 1]!;
      o += 2;
      if (size === 0 || o + size > b.length) throw new TruncatedError("H.264 STAP-A NAL unit", Math.max(size, 1), b.length - o);
      this.add(b.subarray(o, o + size));
      o += size;
    }
  }

  /** Adds a NAL unit (one with start codes inside split first; pieces as they are) within the bounds. */
  private add(nalu: NalUnit): void {
    const before = this.nalus.length;
    if (nalu instanceof NalPieces) this.nalus.push(nalu);
    else splitEmbedded(nalu, this.nalus);
    for (let i = before; i < this.nalus.length; i++) this.grow(this.nalus[i]!.byteLength);
    if (this.nalus.length > this.maxNalus) throw new TooLargeError("H.264 access unit NAL units", this.nalus.length, this.maxNalus);
  }

  private grow(n: number): void {
    this.bytes += n;
    if (this.bytes > this.maxBytes) throw new TooLargeError("H.264 access unit", this.bytes, this.maxBytes);
  }

  private finish(): AccessUnit | undefined {
    if (this.fu) throw new InvalidFieldError("H.264 FU-A", "E bit", "0 on the last packet of the access unit");
    const nalus = this.nalus.filter((n) => n.byteLength > 0);
    if (nalus.length === 0 || this.timestamp < 0) return undefined;
    this.setsChanged = this.learnSets(nalus) || this.setsChanged;
    const types = nalus.map(nalType);
    if (!types.some((t) => t >= 1 && t <= 5)) return undefined; // SPS/PPS/SEI alone: learned, not a picture
    const isKeyframe = types.includes(NalType.IDR);
    if (this.waitKeyframe) {
      if (!isKeyframe || this.sps.length === 0 || this.pps.length === 0) {
        this.dropped++;
        return undefined;
      }
      this.waitKeyframe = false;
    }
    let t = this.timeline.toTicks(this.timestamp) + this.offset;
    if (this.lastDts !== undefined) {
      const step = t - this.lastDts;
      if (step > this.maxJump || step < -this.maxJump) {
        this.jumps++;
        this.offset += this.lastDts + this.lastStep - t;
        t = this.lastDts + this.lastStep;
      } else if (step <= 0) {
        t = this.lastDts + 1; // a step back (B-frames, a clock glitch): dts must still increase
      } else {
        this.lastStep = step;
      }
    }
    this.lastDts = t;
    return { nalus, dts: t, pts: t, isKeyframe };
  }

  private learnSets(nalus: readonly NalUnit[]): boolean {
    // Parameter sets are never in pieces (see joinFragments): nalBytes returns them as they are.
    const sps = nalus.filter((n) => nalType(n) === NalType.SPS).map(nalBytes);
    const pps = nalus.filter((n) => nalType(n) === NalType.PPS).map(nalBytes);
    let changed = false;
    if (sps.length > 0 && !sameList(sps, this.sps)) {
      this.sps = sps;
      changed = true;
    }
    if (pps.length > 0 && !sameList(pps, this.pps)) {
      this.pps = pps;
      changed = true;
    }
    return changed;
  }

  /** Drops the access unit being assembled, skips the rest of it, and waits for an IDR. */
  private drop(): void {
    if (!this.skipping && (this.nalus.length > 0 || this.fu || this.timestamp >= 0)) this.dropped++;
    this.reset(true);
    this.waitKeyframe = true;
  }

  private reset(skipping: boolean): void {
    this.nalus = [];
    this.bytes = 0;
    this.fu = undefined;
    this.skipping = skipping;
  }
}
