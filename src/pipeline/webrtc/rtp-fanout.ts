/**
 * RTP for every WebRTC viewer of one camera, packetized ONCE per access unit (RFC 6184,
 * packetization-mode 1: STAP-A for SPS/PPS, FU-A above the MTU): every viewer sends the
 * same packets, only SRTP is per viewer (go2rtc's one-track-many-consumers). Keeps the
 * packetized frames of the last GOP, so a new viewer's first picture starts at once and
 * a PLI is answered from the cache, never by asking the camera.
 */
import type { AccessUnit } from "../../media/access-unit.ts";
import { H264Packetizer } from "../../media/rtp/h264-packetizer.ts";
import type { Consumer } from "../pipeline.ts";

/** One access unit's RTP packets, shared by every viewer: never modify them. */
export interface RtpFrame {
  /** Complete RTP packets (header + payload), marker on the last. */
  readonly packets: readonly Buffer[];
  readonly isKeyframe: boolean;
  /** Sum of packet sizes, bytes. */
  readonly bytes: number;
  /** RTP timestamp, 90 kHz. */
  readonly rtpTimestamp: number;
  /** `performance.now()` when the access unit arrived from the source, ms. */
  readonly sourceAt: number;
}

/** Something that takes RTP frames (a WebRTC viewer). */
export interface RtpFrameSink {
  offer(frame: RtpFrame): void;
}

/** Most frames kept from the latest keyframe (a GOP of 10 s at 30 fps). */
const MAX_GOP_FRAMES = 300;

/** Packetizes a camera's access units once and fans the packets out to its viewers. */
export class RtpFanout implements Consumer {
  readonly kind = "webrtc";
  private readonly packetizer: H264Packetizer;
  private readonly sinks = new Set<RtpFrameSink>();
  private gop: RtpFrame[] = [];
  /** Frames packetized. */
  frames = 0;

  /** @param mtu largest RTP payload, bytes @defaultValue 1200 */
  constructor(mtu = 1200) {
    this.packetizer = new H264Packetizer({ payloadType: 96, mtu, ssrc: 0, initialSequenceNumber: Math.floor(Math.random() * 0x10000) });
  }

  offer(au: AccessUnit): void {
    const sourceAt = performance.now();
    const raw = this.packetizer.packetize(au);
    const packets = raw.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength));
    let bytes = 0;
    for (const p of packets) bytes += p.byteLength;
    const frame: RtpFrame = { packets, isKeyframe: au.isKeyframe, bytes, rtpTimestamp: au.pts % 0x100000000, sourceAt };
    this.frames++;
    if (frame.isKeyframe) this.gop = [frame];
    else if (this.gop.length > 0 && this.gop.length < MAX_GOP_FRAMES) this.gop.push(frame);
    for (const s of this.sinks) s.offer(frame);
  }

  /** The cached GOP's frames, keyframe first (empty before the first keyframe). */
  get cachedGop(): readonly RtpFrame[] {
    return this.gop;
  }

  /** Adds a viewer; it first receives the cached GOP. */
  attach(sink: RtpFrameSink): void {
    for (const f of this.gop) sink.offer(f);
    this.sinks.add(sink);
  }

  /** Removes a viewer. */
  detach(sink: RtpFrameSink): void {
    this.sinks.delete(sink);
  }

  /** Viewers attached. */
  get viewers(): number {
    return this.sinks.size;
  }
}
