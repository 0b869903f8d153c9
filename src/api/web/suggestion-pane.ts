/**
 * The suggestion pane: a NEW event (pushed live, `replay: false`) plays its camera here for
 * the configured number of seconds, then the session ends. Never for replayed events (a
 * reload's backlog or a reconnect's resume), never while the page is hidden, never when the
 * live view already shows that camera. A further event of the same camera extends the time;
 * one of another camera replaces it. "Open" moves to the live view, "Dismiss" ends it.
 */
import { byId, h, say } from "./dom.ts";
import { Player, type PlayerDebug } from "./player.ts";
import type { PublicEvent } from "./types.ts";

/** What the pane needs from the console. */
export interface SuggestionContext {
  /** Seconds a suggestion plays (0: off). */
  suggestS(): number;
  forceHls(): boolean;
  /** The camera the live view shows, if any. */
  liveCamera(): string | undefined;
  cameraName(id: string): string;
  /** Opens the live view on a camera (the person chose to). */
  openLive(cameraId: string): void;
}

/** Why an event did not play, or "played". */
export type SuggestOutcome = "played" | "extended" | "off" | "hidden" | "already-live";

/** The pane. */
export class SuggestionPane {
  private player: Player | null = null;
  private deadline = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly pane = byId("suggestion");
  private readonly video = byId<HTMLVideoElement>("suggestion-video");
  /** Every playback the pane started, for tests (`window.__console.suggestions`). */
  readonly started: { cameraId: string; eventId: number; debug: PlayerDebug }[] = [];

  constructor(private readonly ctx: SuggestionContext) {
    byId("suggestion-open").addEventListener("click", () => {
      const id = this.player?.cameraId;
      this.close();
      if (id) this.ctx.openLive(id);
    });
    byId("suggestion-dismiss").addEventListener("click", () => this.close());
    addEventListener("pagehide", () => this.close(true));
  }

  /** The camera playing in the pane, if any. */
  get cameraId(): string | undefined {
    return this.player?.cameraId;
  }

  /** Shows a NEW event's camera. Call only for `replay: false` events. */
  suggest(e: PublicEvent): SuggestOutcome {
    const seconds = this.ctx.suggestS();
    if (seconds <= 0) return "off";
    if (document.visibilityState !== "visible") return "hidden";
    if (this.ctx.liveCamera() === e.camera_id) return "already-live";
    this.deadline = Date.now() + seconds * 1000;
    this.title(e);
    if (this.player?.cameraId === e.camera_id) return "extended";
    this.player?.close();
    const debug: PlayerDebug = {};
    this.started.push({ cameraId: e.camera_id, eventId: e.id, debug });
    const mode = byId("suggestion-mode");
    this.player = new Player(this.video, e.camera_id, {
      forceHls: this.ctx.forceHls(),
      debug,
      onMode: (m) => {
        mode.textContent = m === "webrtc" ? "WebRTC" : m === "hls" ? "HLS" : "";
        mode.hidden = !m;
      },
      onMessage: (text) => say(byId("suggestion-msg"), text, text !== "" && text !== "starting…"),
    });
    this.pane.hidden = false;
    clearInterval(this.timer);
    this.timer = setInterval(() => this.tick(), 250);
    this.tick();
    void this.player.start();
    return "played";
  }

  /** Ends the suggestion's session at once and hides the pane. */
  close(keepalive = false): void {
    clearInterval(this.timer);
    this.player?.close(keepalive);
    this.player = null;
    this.pane.hidden = true;
  }

  private title(e: PublicEvent): void {
    const what = [e.kind, e.label, e.score !== null ? `${Math.round(e.score * 100)} %` : null].filter(Boolean).join(" · ");
    byId("suggestion-title").replaceChildren(h("strong", {}, this.ctx.cameraName(e.camera_id)), ` ${what}`);
  }

  private tick(): void {
    const left = this.deadline - Date.now();
    if (left <= 0) return this.close();
    byId("suggestion-left").textContent = `${Math.ceil(left / 1000)} s`;
  }
}
