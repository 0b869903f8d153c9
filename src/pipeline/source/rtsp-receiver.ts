/**
 * The media side of a native RTSP session: interleaved frames on the RTP channel become access
 * units (src/media/rtp/h264-au-assembler.ts), frames on the RTCP channel feed sender-report
 * timing, and receiver reports (RFC 3550 §6.4.2) are built for the session to send. It watches
 * for the first access unit and for a stream that goes silent (stall), and gives up on a stream
 * that keeps failing to parse as H.264.
 */
import type { AccessUnit } from "../../media/access-unit.ts";
import { H264AccessUnitAssembler } from "../../media/rtp/h264-au-assembler.ts";
import { buildReceiverReport } from "../../media/rtp/rtcp-receiver-report.ts";
import { readSenderReports } from "../../media/rtp/rtcp-sender-report.ts";
import { readRtpPacket, type RtpPacketView } from "../../media/rtp/rtp-header.ts";
import { RtpReceiverStats } from "../../media/rtp/rtp-receiver-stats.ts";
import type { H264Track } from "../../media/rtsp/video-track.ts";
import { StallWatchdog } from "../../proc/stall-watchdog.ts";
import { RtspStallError, RtspUnsupportedError } from "./rtsp-failure.ts";

/** Where a receiver's results go. */
export interface ReceiverSink {
  readonly onAccessUnit: (au: AccessUnit) => void;
  readonly onParameterSets: (sps: readonly Uint8Array[], pps: readonly Uint8Array[]) => void;
  /** Called once, at the first access unit. */
  readonly onFirstMedia: () => void;
  /** Called for every RTP packet the assembler rejected (counted, the session goes on). */
  readonly onMalformedPacket?: () => void;
  /** Ends the session: a stall, or a stream that is not H.264. */
  readonly fail: (error: Error) => void;
}

/** Options of {@link RtspReceiver}. */
export interface ReceiverOptions {
  /** No access unit for this long after the first one: stall, ms. */
  readonly stallMs: number;
  /** Malformed RTP packets since the last good access unit before the stream is given up. @defaultValue 50 */
  readonly maxBadPackets?: number;
}

/** Receives one H.264 track. */
export class RtspReceiver {
  private readonly assembler: H264AccessUnitAssembler;
  private readonly stats: RtpReceiverStats;
  private readonly ssrc = (Math.random() * 0x1_0000_0000) >>> 0;
  private watchdog: StallWatchdog | undefined;
  private bad = 0;
  private lastError = "";
  /** Access units delivered. */
  units = 0;

  constructor(
    track: H264Track,
    private readonly channels: readonly [number, number],
    private readonly sink: ReceiverSink,
    private readonly opts: ReceiverOptions,
  ) {
    // Slices stay in their FU-A pieces: the HLS part is where their bytes are first copied to.
    this.assembler = new H264AccessUnitAssembler({
      clockRate: track.clockRate,
      payloadType: track.payloadType,
      sps: track.sps,
      pps: track.pps,
      joinFragments: false,
    });
    this.stats = new RtpReceiverStats(track.clockRate);
    if (track.sps.length > 0 && track.pps.length > 0) sink.onParameterSets(track.sps, track.pps);
  }

  /** Whether the first access unit has arrived. */
  get live(): boolean {
    return this.units > 0;
  }

  /** Takes one interleaved frame of the connection. */
  onFrame(channel: number, payload: Uint8Array): void {
    if (channel === this.channels[1]) return this.rtcp(payload);
    if (channel !== this.channels[0]) return;
    let p: RtpPacketView | undefined;
    try {
      p = readRtpPacket(payload);
      this.stats.onPacket(p.ssrc, p.sequenceNumber, p.timestamp, performance.now());
    } catch {
      // the assembler reports the same malformed header below
    }
    const out = p ? this.assembler.pushPacket(p) : this.assembler.push(payload);
    if (out.parameterSets) this.sink.onParameterSets(out.parameterSets.sps, out.parameterSets.pps);
    if (out.error) {
      this.lastError = out.error.message;
      this.sink.onMalformedPacket?.();
      if (++this.bad >= (this.opts.maxBadPackets ?? 50)) {
        this.sink.fail(new RtspUnsupportedError(`the RTP stream is not the H.264 its SDP announced (${this.bad} bad packets, last: ${this.lastError})`));
      }
    }
    for (const au of out.units) {
      this.bad = 0;
      if (this.units++ === 0) {
        this.watchdog = new StallWatchdog(this.opts.stallMs, () => this.sink.fail(new RtspStallError(this.opts.stallMs)));
        this.sink.onFirstMedia();
      }
      this.watchdog?.kick();
      this.sink.onAccessUnit(au);
    }
  }

  /** A receiver report (RFC 3550 §6.4.2) about the stream so far, or undefined before any RTP. */
  receiverReport(): Uint8Array | undefined {
    if (this.stats.packets === 0) return undefined;
    return buildReceiverReport(this.ssrc, this.stats.reportBlock(performance.now()));
  }

  /** Stops the stall watchdog. Idempotent. */
  stop(): void {
    this.watchdog?.stop();
  }

  private rtcp(payload: Uint8Array): void {
    try {
      for (const sr of readSenderReports(payload)) this.stats.onSenderReport(sr, performance.now());
    } catch {
      // a malformed RTCP packet says nothing about the video: ignore it
    }
  }
}
