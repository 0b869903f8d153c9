/**
 * One WebRTC viewer: a werift peer connection that sends the camera's shared RTP frames
 * from a bounded queue (a slow viewer skips to the next keyframe, counted; it never slows
 * the camera or other viewers). Sending starts when the connection is up, from the cached
 * GOP. A PLI or FIR is answered from the cache: the GOP is sent again, continued in
 * sequence and time by werift's `replaceRTP`. A viewer whose RTCP goes silent (its process
 * killed: werift itself notices only after ~26 s, measured) is closed after `silenceMs`.
 */
import { RtcpPayloadSpecificFeedback, type RtcpPacket, type RtpHeader } from "werift";
import { ConsumerQueue } from "../consumer-queue.ts";
import type { RtpFanout, RtpFrame, RtpFrameSink } from "./rtp-fanout.ts";
import type { AnsweredPeer } from "./whep-peer.ts";

/** Limits of one viewer. */
export interface ViewerOptions {
  /** Close after this long without RTCP from the viewer, ms. @defaultValue 6000 */
  readonly silenceMs?: number;
  /** Close if not connected after this long, ms. @defaultValue 15000 */
  readonly connectMs?: number;
  /** Most frames waiting (memory bound: ~4 s at 30 fps). @defaultValue 120 */
  readonly maxFrames?: number;
  /** Most bytes waiting. @defaultValue 8 MiB */
  readonly maxBytes?: number;
  /** Called after each frame's packets were handed to SRTP (benchmarks). */
  readonly onFrameSent?: (frame: RtpFrame) => void;
}

/** Pause between frames of a backlog, ms (measured: an unpaced 450-packet burst lost 49 packets on loopback). */
const CATCH_UP_GAP_MS = 3;

/** Least time between two answered keyframe requests, ms. */
const PLI_MIN_INTERVAL_MS = 1000;

/** One viewer of one camera. */
export class WebRtcViewer implements RtpFrameSink {
  private readonly queue: ConsumerQueue<RtpFrame>;
  private readonly createdAt = Date.now();
  private lastRtcpAt = 0;
  private lastPliAt = 0;
  private connected = false;
  private resync = false;
  private sending: Promise<void> | undefined;
  private closed = false;
  private readonly subs: { unSubscribe: () => void }[] = [];
  /** Frames sent to this viewer. */
  framesSent = 0;
  /** Keyframe requests answered from the cache. */
  keyframeRequests = 0;
  /** Why it was closed, once it was. */
  closeReason: string | undefined;

  constructor(
    readonly id: string,
    private readonly peer: AnsweredPeer,
    private readonly fanout: RtpFanout,
    private readonly opts: ViewerOptions = {},
  ) {
    this.queue = new ConsumerQueue<RtpFrame>({ sizeOf: (f) => f.bytes, maxUnits: opts.maxFrames ?? 120, maxBytes: opts.maxBytes ?? 8 * 1024 * 1024 });
  }

  /** Frames this viewer lost because it was too slow. */
  get dropped(): number {
    return this.queue.dropped;
  }

  /** Attaches to the fanout (the cached GOP first) and waits for the connection. */
  start(): void {
    this.subs.push(
      this.peer.pc.connectionStateChange.subscribe((state) => {
        if (state === "connected" && !this.connected) {
          this.connected = true;
          this.lastRtcpAt = Date.now();
          this.sending = this.send();
        } else if (state === "failed" || state === "closed") void this.close(`connection ${state}`);
      }),
      this.peer.sender.onRtcp.subscribe((p) => this.rtcp(p)),
    );
    this.fanout.attach(this);
  }

  offer(frame: RtpFrame): void {
    this.queue.offer(frame);
  }

  private rtcp(p: RtcpPacket): void {
    this.lastRtcpAt = Date.now();
    if (!(p instanceof RtcpPayloadSpecificFeedback)) return;
    // Payload-specific feedback FMT: 1 = PLI (RFC 4585 §6.3.1), 4 = FIR (RFC 5104 §4.3.1).
    if (p.feedback.count !== 1 && p.feedback.count !== 4) return;
    const now = Date.now();
    if (now - this.lastPliAt < PLI_MIN_INTERVAL_MS) return;
    this.lastPliAt = now;
    this.keyframeRequests++;
    this.resync = true;
    this.queue.replaceWith(this.fanout.cachedGop);
  }

  private async send(): Promise<void> {
    const sender = this.peer.sender;
    for (;;) {
      const frame = await this.queue.next();
      if (!frame) return;
      if (this.resync && frame.isKeyframe) {
        this.resync = false;
        // The cached GOP goes again after later packets: continue sequence and time from them.
        sender.replaceRTP({} as RtpHeader);
      }
      try {
        await Promise.all(frame.packets.map((p) => sender.sendRtp(p)));
      } catch {
        return void this.close("send failed");
      }
      this.framesSent++;
      this.opts.onFrameSent?.(frame);
      // Catching up (the cached GOP, frames queued while connecting): pace the backlog so a
      // burst of hundreds of packets does not overflow the viewer's UDP receive buffer.
      if (this.queue.length > 0) await Bun.sleep(CATCH_UP_GAP_MS);
    }
  }

  /** Whether the viewer is still there (connected and talking RTCP, or still connecting). */
  alive(now = Date.now()): boolean {
    if (this.closed) return false;
    if (!this.connected) return now - this.createdAt < (this.opts.connectMs ?? 15_000);
    return now - this.lastRtcpAt < (this.opts.silenceMs ?? 6000);
  }

  /** Detaches and closes the peer connection. Idempotent. */
  async close(reason: string): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.closeReason = reason;
    this.fanout.detach(this);
    this.queue.close();
    for (const s of this.subs) s.unSubscribe();
    await this.peer.pc.close().catch(() => {});
    await this.sending;
  }
}
