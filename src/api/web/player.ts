/**
 * Live playback of one camera into one `<video>`: WebRTC over WHEP first, LL-HLS through
 * hls.js (`POST /v1/streams/start`, its `hls_url`) when WebRTC fails: WHEP refused, no
 * decoded frame within 4 s, or the connection failed. `close()` ends the session at once:
 * WHEP DELETE or `/v1/streams/stop`, with keepalive so it also works while the page unloads.
 * A player is made only in answer to a person's click or a NEW event (never on load).
 */
import type Hls from "hls.js";
import { api, authHeader, seg } from "./api.ts";
import { loadHls } from "./hls-loader.ts";
import { LatencyMeter, type Latency } from "./latency.ts";
import type { StreamStarted } from "./types.ts";
import { firstFrame, iceGathered } from "./whep.ts";

/** What plays. */
export type PlayMode = "webrtc" | "hls";

const ICE_GATHER_MS = 2000;
const FIRST_FRAME_MS = 4000;

/** What the player shows to tests and curious operators (`window.__camserver`): times are performance.now(). */
export interface PlayerDebug {
  mode?: PlayMode | null;
  pc?: RTCPeerConnection;
  whepUrl?: string;
  fallback?: string;
  sessionId?: string;
  openedAt?: number;
  whepPostAt?: number;
  answerAt?: number;
  connectedAt?: number;
  firstFrameAt?: number;
  firstFrameBy?: string;
}

/** Options of {@link Player}. */
export interface PlayerOptions {
  /** Skip WebRTC. @defaultValue false */
  readonly forceHls?: boolean;
  /** Filled as the player goes. @defaultValue a private object */
  readonly debug?: PlayerDebug;
  /** The mode changed (null: nothing plays); `why` is the fallback reason. */
  readonly onMode?: (mode: PlayMode | null, why: string) => void;
  /** A line to show under the video ("" clears it). */
  readonly onMessage?: (text: string) => void;
  /** Playback started (a session exists on the server). */
  readonly onStarted?: () => void;
}

/** Plays one camera live into one video element. */
export class Player {
  private closed = false;
  private pc: RTCPeerConnection | null = null;
  private whepUrl: string | null = null;
  private sessionId: string | null = null;
  private hls: Hls | null = null;
  private meter: LatencyMeter | null = null;
  private current: PlayMode | null = null;
  readonly debug: PlayerDebug;

  constructor(
    private readonly video: HTMLVideoElement,
    readonly cameraId: string,
    private readonly opts: PlayerOptions = {},
  ) {
    this.debug = opts.debug ?? {};
  }

  /** What plays now. */
  get mode(): PlayMode | null {
    return this.current;
  }

  /** The latest latency reading, or null. */
  latency(): Latency | null {
    return this.meter?.read() ?? null;
  }

  /** Starts playback; resolves once something plays or the player gave up (message shown). */
  async start(): Promise<void> {
    this.debug.openedAt = performance.now();
    this.message("starting…");
    this.setMode(null, "");
    if (!this.opts.forceHls) {
      try {
        await this.playWebRtc();
        return;
      } catch (err) {
        if (this.closed) return;
        this.endWebRtc();
        return this.playHls(`WebRTC failed: ${(err as Error).message}`);
      }
    }
    return this.playHls("");
  }

  /** Ends the session at once and clears the video. */
  close(keepalive = false): void {
    if (this.closed) return;
    this.closed = true;
    this.endWebRtc();
    this.endHls(keepalive);
    this.meter?.stop();
    this.video.srcObject = null;
    this.video.removeAttribute("src");
    this.video.load();
    this.setMode(null, "");
  }

  private setMode(mode: PlayMode | null, why: string): void {
    this.current = mode;
    this.debug.mode = mode;
    this.opts.onMode?.(mode, why);
  }

  private message(text: string): void {
    this.opts.onMessage?.(text);
  }

  private async playWebRtc(): Promise<void> {
    const pc = (this.pc = this.debug.pc = new RTCPeerConnection());
    pc.addTransceiver("video", { direction: "recvonly" });
    pc.addEventListener("connectionstatechange", () => {
      if (pc.connectionState === "connected") this.debug.connectedAt ??= performance.now();
    });
    pc.addEventListener("track", (e) => {
      if (this.closed || this.pc !== pc) return;
      this.video.srcObject = e.streams[0] ?? new MediaStream([e.track]);
      this.video.play().catch(() => {});
    });
    await pc.setLocalDescription(await pc.createOffer());
    await iceGathered(pc, ICE_GATHER_MS);
    if (this.closed) throw new Error("closed");
    this.debug.whepPostAt = performance.now();
    const res = await fetch(`/v1/cameras/${seg(this.cameraId)}/whep`, {
      method: "POST",
      headers: { ...authHeader(), "content-type": "application/sdp" },
      body: pc.localDescription!.sdp,
    });
    this.debug.answerAt = performance.now();
    if (res.status !== 201) {
      const data = (await res.json().catch(() => null)) as { error?: string } | null;
      throw new Error(`WHEP ${res.status} ${data?.error ?? res.statusText}`);
    }
    const where = res.headers.get("location");
    if (where) this.whepUrl = this.debug.whepUrl = new URL(where, location.href).href;
    if (this.closed) {
      this.endWebRtc();
      throw new Error("closed");
    }
    if (!where) throw new Error("WHEP answer without Location");
    await pc.setRemoteDescription({ type: "answer", sdp: await res.text() });
    const frame = await firstFrame(pc, this.video, FIRST_FRAME_MS);
    this.debug.firstFrameAt = frame.at;
    this.debug.firstFrameBy = frame.by;
    if (this.closed) throw new Error("closed");
    this.message("");
    this.meter = new LatencyMeter();
    this.meter.watchWebRtc(this.video, pc);
    this.setMode("webrtc", "");
    pc.addEventListener("connectionstatechange", () => {
      if (pc.connectionState !== "failed" || this.closed || this.pc !== pc) return;
      this.endWebRtc();
      void this.playHls("WebRTC connection failed");
    });
    this.opts.onStarted?.();
  }

  /** Ends the WHEP session (DELETE, keepalive so it survives page unload) and the peer. */
  private endWebRtc(): void {
    if (this.whepUrl) fetch(this.whepUrl, { method: "DELETE", keepalive: true, headers: authHeader() }).catch(() => {});
    this.pc?.close();
    this.whepUrl = this.pc = null;
    this.meter?.stop();
    this.meter = null;
    if (this.video.srcObject) this.video.srcObject = null;
  }

  private async playHls(fallback: string): Promise<void> {
    this.debug.fallback = fallback || undefined;
    if (fallback) console.warn(`camserver: ${fallback}; playing HLS`);
    try {
      const started = await api<StreamStarted>("POST", "/v1/streams/start", { camera_id: this.cameraId });
      this.sessionId = this.debug.sessionId = started.session_id;
      if (this.closed) return this.endHls(false);
      const Hls = await loadHls();
      if (this.closed) return;
      if (Hls) {
        // LL-HLS (blocking playlist reloads and parts; the playlist's PART-HOLD-BACK sets the
        // target), catching up at up to 1.5x and moving the target 0.2 s back per stall: the
        // settings test/bench/hls-latency.ts measured.
        const hls = (this.hls = new Hls({ lowLatencyMode: true, backBufferLength: 10, maxLiveSyncPlaybackRate: 1.5, liveSyncOnStallIncrease: 0.2 }));
        hls.loadSource(started.hls_url);
        hls.attachMedia(this.video);
        this.meter = new LatencyMeter();
        this.meter.watchHls(hls);
      } else {
        this.video.src = started.hls_url;
      }
      this.message("");
      this.setMode("hls", fallback);
      this.video.play().catch(() => {});
      this.opts.onStarted?.();
    } catch (err) {
      if (!this.closed) this.message((err as Error).message);
    }
  }

  private endHls(keepalive: boolean): void {
    this.hls?.destroy();
    if (this.sessionId) api("POST", "/v1/streams/stop", { session_id: this.sessionId }, { keepalive }).catch(() => {});
    this.hls = this.sessionId = null;
  }
}
