/**
 * Measured latency of a playing stream, for the live view's indicator.
 *
 * - WebRTC: from requestVideoFrameCallback metadata (WICG video-rvfc): `expectedDisplayTime
 *   - captureTime` when the browser knows the capture time (from RTCP sender reports), else
 *   `expectedDisplayTime - receiveTime` plus half the ICE round-trip time (receive to display
 *   and the network; the camera's own delay is not seen).
 * - HLS: wall clock minus the playing position's EXT-X-PROGRAM-DATE-TIME (hls.js
 *   `playingDate`), else hls.js's distance to the live edge (`latency`).
 *
 * The value shown is the median of the last 30 samples.
 */
import type Hls from "hls.js";

/** A latency reading: ms and what it measures. */
export interface Latency {
  readonly ms: number;
  readonly basis: "capture→display" | "network+receive→display" | "program date→now" | "live edge";
}

const WINDOW = 30;

/** Collects samples from one playing stream. */
export class LatencyMeter {
  private samples: number[] = [];
  private basis: Latency["basis"] = "live edge";
  private stopped = false;
  private rttMs = 0;
  private timer: ReturnType<typeof setInterval> | undefined;

  /** Samples every frame of a WebRTC `<video>`; reads the RTT of `pc` once a second. */
  watchWebRtc(video: HTMLVideoElement, pc: RTCPeerConnection): void {
    const onFrame = (_now: number, m: VideoFrameCallbackMetadata & { captureTime?: number; receiveTime?: number }) => {
      if (this.stopped) return;
      if (m.captureTime !== undefined && m.captureTime > 0) this.push(m.expectedDisplayTime - m.captureTime, "capture→display");
      else if (m.receiveTime !== undefined && m.receiveTime > 0) this.push(m.expectedDisplayTime - m.receiveTime + this.rttMs / 2, "network+receive→display");
      video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback?.(onFrame);
    this.timer = setInterval(async () => {
      const stats = await pc.getStats().catch(() => null);
      stats?.forEach((s: { type?: string; nominated?: boolean; state?: string; currentRoundTripTime?: number }) => {
        if (s.type === "candidate-pair" && s.nominated && s.state === "succeeded" && s.currentRoundTripTime !== undefined)
          this.rttMs = s.currentRoundTripTime * 1000;
      });
    }, 1000);
  }

  /** Samples an hls.js player twice a second. */
  watchHls(hls: Hls): void {
    this.timer = setInterval(() => {
      const date = hls.playingDate;
      if (date) this.push(Date.now() - date.getTime(), "program date→now");
      else if (Number.isFinite(hls.latency) && hls.latency > 0) this.push(hls.latency * 1000, "live edge");
    }, 500);
  }

  /** The median of the recent samples, or null before any. */
  read(): Latency | null {
    if (this.samples.length === 0) return null;
    const sorted = [...this.samples].sort((a, b) => a - b);
    return { ms: sorted[Math.floor(sorted.length / 2)]!, basis: this.basis };
  }

  /** Stops sampling. */
  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  private push(ms: number, basis: Latency["basis"]): void {
    if (!Number.isFinite(ms) || ms < 0 || ms > 600_000) return;
    this.basis = basis;
    this.samples.push(ms);
    if (this.samples.length > WINDOW) this.samples.shift();
  }
}

/** "85 ms" or "2.4 s". */
export function formatLatency(l: Latency): string {
  return l.ms < 1000 ? `${Math.round(l.ms)} ms` : `${(l.ms / 1000).toFixed(1)} s`;
}
