/**
 * H.264 RTP depacketizer for packetization-mode 1 (RFC 6184 §6.3): single NAL unit packets
 * (§5.6), STAP-A (§5.7.1) and FU-A (§5.8) back into access units, one per marker bit (§5.1).
 * Used by camserver's tests and loopback receivers, not on the path to viewers.
 *
 * Loss handling is simple on purpose: any sequence number other than the expected one (loss,
 * reordering, duplicates) drops the access unit being assembled and the one the packet belongs
 * to, and nothing is emitted until the next access unit with an IDR slice. The same happens
 * after a malformed packet, after which the depacketizer is usable again (RTP resynchronizes).
 */

import type { AccessUnit } from "../access-unit.ts";
import { InvalidFieldError, MediaError, TooLargeError, TruncatedError } from "../errors.ts";
import { NalType } from "../nal.ts";
import { FuAAssembler } from "./fu-a.ts";
import { FU_A_HEADER_BYTES, H264PayloadType, isSingleNalType } from "./h264-rtp.ts";
import { readRtpPacket } from "./rtp-header.ts";
import { splitStapA } from "./stap-a.ts";

/** Options of {@link H264Depacketizer}. */
export interface H264DepacketizerOptions {
  /**
   * Largest access unit, in bytes of NAL units, assembled before a TooLargeError: no unbounded
   * buffering of a stream that never sets the marker bit.
   * @defaultValue 16 MiB
   */
  readonly maxAccessUnitBytes?: number;
}

/** Turns RTP packets of one SSRC back into access units. */
export class H264Depacketizer {
  private readonly maxBytes: number;
  private expectedSeq = -1;
  /** RTP timestamp of the access unit being assembled; -1 between access units. */
  private timestamp = -1;
  private nalus: Uint8Array[] = [];
  private bytes = 0;
  private readonly fu = new FuAAssembler();
  /** Skipping the rest of a broken access unit. */
  private skipping = false;
  private waitKeyframe = true;
  private droppedCount = 0;

  /** @throws InvalidFieldError when `maxAccessUnitBytes` is not a positive integer */
  constructor(options: H264DepacketizerOptions = {}) {
    const max = options.maxAccessUnitBytes ?? 16 * 1024 * 1024;
    if (!Number.isSafeInteger(max) || max <= 0) throw new InvalidFieldError("H264DepacketizerOptions", "maxAccessUnitBytes", max);
    this.maxBytes = max;
  }

  /** Access units dropped so far: broken by loss or bad packets, or before a keyframe. */
  get dropped(): number {
    return this.droppedCount;
  }

  /**
   * Feeds one RTP packet. Its bytes are copied, never kept.
   * @returns the access unit this packet completes: NAL units without start codes, in order,
   *   dts = pts = the RTP timestamp (0..2^32-1, 90 kHz); undefined while incomplete or dropped
   * @throws TruncatedError, InvalidFieldError for a malformed RTP header or H.264 payload (an
   *   FU-A without start, a truncated STAP-A size, a type other than 1..23, 24 and 28)
   * @throws TooLargeError for an access unit larger than `maxAccessUnitBytes`
   */
  push(packet: Uint8Array): AccessUnit | undefined {
    try {
      const p = readRtpPacket(packet);
      const gap = this.expectedSeq >= 0 && p.sequenceNumber !== this.expectedSeq;
      this.expectedSeq = (p.sequenceNumber + 1) & 0xffff;
      if (p.timestamp !== this.timestamp) {
        if (this.nalus.length > 0 || this.fu.open) this.drop(); // the previous AU's marker never came
        this.skipping = false;
        this.timestamp = p.timestamp;
      }
      if (gap) this.drop();
      if (!this.skipping) this.payload(p.payload);
      if (!p.marker) return undefined;
      const done = this.skipping ? undefined : this.finish();
      this.reset(false);
      return done;
    } catch (e) {
      if (e instanceof MediaError) this.drop();
      throw e;
    }
  }

  private payload(b: Uint8Array): void {
    if (b.length === 0) throw new TruncatedError("H.264 RTP payload", 1, 0);
    const type = b[0]! & 0x1f;
    if (type === H264PayloadType.FU_A) {
      this.grow(b.length - FU_A_HEADER_BYTES);
      const nalu = this.fu.push(b);
      if (nalu) this.nalus.push(nalu);
      return;
    }
    if (this.fu.open) throw new InvalidFieldError("H.264 FU-A", "E bit", "0 on the last fragment before another packet");
    if (isSingleNalType(type)) return this.add(b.slice());
    if (type !== H264PayloadType.STAP_A) throw new InvalidFieldError("H.264 RTP payload", "type", type);
    for (const nalu of splitStapA(b)) this.add(nalu);
  }

  private add(nalu: Uint8Array): void {
    this.grow(nalu.length);
    this.nalus.push(nalu);
  }

  private grow(n: number): void {
    this.bytes += n;
    if (this.bytes > this.maxBytes) throw new TooLargeError("H.264 access unit", this.bytes, this.maxBytes);
  }

  private finish(): AccessUnit | undefined {
    if (this.fu.open) throw new InvalidFieldError("H.264 FU-A", "E bit", "0 on the packet with the marker bit");
    if (this.nalus.length === 0) return undefined;
    const isKeyframe = this.nalus.some((n) => (n[0]! & 0x1f) === NalType.IDR);
    if (this.waitKeyframe && !isKeyframe) {
      this.droppedCount++;
      return undefined;
    }
    this.waitKeyframe = false;
    return { nalus: this.nalus, dts: this.timestamp, pts: this.timestamp, isKeyframe };
  }

  /** Drops the access unit being assembled, skips the rest of it and waits for a keyframe. */
  private drop(): void {
    if (!this.skipping) this.droppedCount++;
    this.reset(true);
    this.waitKeyframe = true;
  }

  private reset(skipping: boolean): void {
    this.nalus = [];
    this.bytes = 0;
    this.fu.reset();
    this.skipping = skipping;
    if (!skipping) this.timestamp = -1;
  }
}
