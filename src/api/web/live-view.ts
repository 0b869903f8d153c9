/**
 * The live view: a dialog that plays one camera (src/api/web/player.ts) with the mode
 * (WebRTC or HLS, the fallback reason as its title), the measured latency, the number of
 * viewers (the camera's consumers), and for admins the record button. Closing the dialog
 * (button, Escape, leaving the page) ends the session at once.
 */
import { api, seg } from "./api.ts";
import { byId, say } from "./dom.ts";
import { formatLatency } from "./latency.ts";
import { Player, type PlayerDebug } from "./player.ts";
import { RecordControl } from "./recording-control.ts";
import type { CameraView } from "./types.ts";

const VIEWERS_EVERY_MS = 3000;

/** "3 watching (WebRTC 2, HLS 1)" from a camera's consumer counts. */
export function viewerText(consumers: Record<string, number>): string {
  const webrtc = consumers.webrtc ?? 0;
  const hls = consumers.hls ?? 0;
  const parts = [webrtc ? `WebRTC ${webrtc}` : "", hls ? `HLS ${hls}` : ""].filter(Boolean);
  return `${webrtc + hls} watching${parts.length ? ` (${parts.join(", ")})` : ""}`;
}

/** What the live view needs from the console. */
export interface LiveViewContext {
  isAdmin(): boolean;
  forceHls(): boolean;
  /** Called after the dialog closed (the grid refreshes camserver's state). */
  onClosed(): void;
}

/** The live-view dialog of the page. */
export class LiveView {
  private player: Player | null = null;
  private timer: ReturnType<typeof setInterval> | undefined;
  private record: RecordControl | null = null;
  private readonly dialog = byId<HTMLDialogElement>("viewer");
  private readonly video = byId<HTMLVideoElement>("video");
  private readonly modeEl = byId("viewer-mode");
  private readonly latencyEl = byId("viewer-latency");
  private readonly countEl = byId("viewer-count");
  private readonly msgEl = byId("viewer-msg");
  private readonly recordEl = byId<HTMLButtonElement>("record");

  /** @param debug the object `window.__camserver` shows (reset on each open) */
  constructor(
    private readonly ctx: LiveViewContext,
    private readonly debug: PlayerDebug,
  ) {
    byId("close").addEventListener("click", () => this.dialog.close());
    this.dialog.addEventListener("close", () => this.end(false));
    this.recordEl.addEventListener("click", () => void this.record?.toggle());
    addEventListener("pagehide", () => this.end(true));
    addEventListener("pageshow", (e) => {
      if ((e as PageTransitionEvent).persisted && this.dialog.open) this.dialog.close();
    });
  }

  /** The camera playing now, if any. */
  get cameraId(): string | undefined {
    return this.player?.cameraId;
  }

  /** Opens the dialog on `cam` and starts playback (a person clicked, or chose a suggestion). */
  open(cam: Pick<CameraView, "id" | "name">): void {
    if (this.player) this.end(false, false);
    for (const k of Object.keys(this.debug)) delete (this.debug as Record<string, unknown>)[k];
    byId("viewer-title").textContent = cam.name;
    this.latencyEl.hidden = true;
    this.countEl.textContent = "";
    say(this.msgEl, "");
    const player = (this.player = new Player(this.video, cam.id, {
      forceHls: this.ctx.forceHls(),
      debug: this.debug,
      onMode: (mode, why) => {
        this.modeEl.textContent = mode === "webrtc" ? "WebRTC" : mode === "hls" ? "HLS" : "";
        this.modeEl.title = why;
        this.modeEl.hidden = !mode;
      },
      onMessage: (text) => say(this.msgEl, text, text !== "" && text !== "starting…"),
      onStarted: () => void this.refreshViewers(),
    }));
    this.recordEl.hidden = true;
    this.record = null;
    if (this.ctx.isAdmin()) {
      this.record = new RecordControl(this.recordEl, cam.id, (text, isError) => say(this.msgEl, text, isError));
      void this.record.init();
    }
    if (!this.dialog.open) this.dialog.showModal();
    this.timer = setInterval(() => this.tick(), 1000);
    void player.start();
  }

  private tick(): void {
    const l = this.player?.latency();
    this.latencyEl.hidden = !l;
    if (l) {
      this.latencyEl.textContent = `latency ${formatLatency(l)}`;
      this.latencyEl.title = `measured ${l.basis}`;
    }
    if (Date.now() % VIEWERS_EVERY_MS < 1000) void this.refreshViewers();
  }

  private async refreshViewers(): Promise<void> {
    const id = this.player?.cameraId;
    if (!id) return;
    const cam = await api<CameraView>("GET", `/v1/cameras/${seg(id)}`).catch(() => null);
    if (cam && this.player?.cameraId === id) this.countEl.textContent = viewerText(cam.consumers);
  }

  /** Ends playback (session ended at once); `notify` refreshes the grid. */
  private end(keepalive: boolean, notify = true): void {
    clearInterval(this.timer);
    const had = !!this.player;
    this.player?.close(keepalive);
    this.player = null;
    this.record = null;
    if (had && notify && !keepalive) this.ctx.onClosed();
  }
}
