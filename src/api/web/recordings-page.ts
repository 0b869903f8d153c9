/**
 * The Recordings page: one camera's timeline over a window (1 h to 7 d ending at a chosen
 * time) with its recorded spans (`GET /v1/recordings?camera_id=&from=&to=`) and events
 * (`GET /v1/events?camera_id=&since=&until=`) on it, events in a lane above the spans. A click on the timeline, Enter on it
 * after moving its cursor with the arrow keys, or an event marker plays from that moment
 * (src/api/web/playback.ts). The list below offers play, download (fetched with the
 * token, saved through a Blob) and, for admins, delete.
 */
import { api, request, seg } from "./api.ts";
import { bytes, byId, clock, dateTime, h, say, shortDuration } from "./dom.ts";
import { eventText } from "./event-log.ts";
import { RecordedPlayback } from "./playback.ts";
import { recordingList } from "./recording-control.ts";
import { clusterEvents, fractionOf, instantAt, keyStep, nextSpan, placeSpans, spanAt, ticks, type Span, type TimeWindow } from "./timeline.ts";
import type { CameraView, PublicEvent, RecordingView } from "./types.ts";

/** Events closer than this many pixels share one marker. */
const MARKER_GAP_PX = 14;
/** Seconds one click plays (the rest of the span, at most this). */
const PLAY_S = 300;

/** `<input type=datetime-local>` value of an instant (local time, minutes). */
export function localInputValue(at: number): string {
  return dateTime(at).replace(" ", "T");
}

/** What the page needs from the console. */
export interface RecordingsContext {
  cameras(): readonly CameraView[];
  isAdmin(): boolean;
}

/** The page. */
export class RecordingsPage {
  private window: TimeWindow = { from: Date.now() - 3_600_000, to: Date.now() };
  private spans: Span[] = [];
  private recordings: RecordingView[] = [];
  private events: PublicEvent[] = [];
  private cursor = Date.now();
  /** Bumped by each load, so a slower earlier load never overwrites a later one. */
  private loads = 0;
  private readonly playback = new RecordedPlayback(byId<HTMLVideoElement>("rec-video"));
  private readonly status = byId("rec-status");
  private readonly line = byId("timeline");

  constructor(private readonly ctx: RecordingsContext) {
    byId<HTMLFormElement>("rec-filter").addEventListener("submit", (e) => {
      e.preventDefault();
      void this.load();
    });
    byId("rec-earlier").addEventListener("click", () => this.shift(-1));
    byId("rec-later").addEventListener("click", () => this.shift(1));
    this.line.addEventListener("click", (e) => {
      const box = this.line.getBoundingClientRect();
      this.cursor = instantAt(this.window, (e.clientX - box.left) / box.width);
      this.renderCursor();
      void this.playFrom(this.cursor);
    });
    this.line.addEventListener("keydown", (e) => this.key(e));
    byId("rec-stop").addEventListener("click", () => {
      this.playback.stop();
      say(this.status, "stopped");
    });
  }

  /** Shows the page for a camera (first one when none given), with `at` in the window. */
  async show(cameraId?: string, at?: number): Promise<void> {
    const select = byId<HTMLSelectElement>("rec-camera");
    const keep = cameraId ?? select.value;
    select.replaceChildren(...this.ctx.cameras().map((c) => h("option", { value: c.id }, c.name)));
    if (keep && Array.from(select.options).some((o) => o.value === keep)) select.value = keep;
    if (at !== undefined) {
      const size = Number(byId<HTMLSelectElement>("rec-window").value) * 1000;
      byId<HTMLInputElement>("rec-end").value = localInputValue(Math.min(Date.now(), at + size / 2));
      this.cursor = at;
    } else if (!byId<HTMLInputElement>("rec-end").value) {
      byId<HTMLInputElement>("rec-end").value = localInputValue(Date.now());
    }
    await this.load();
  }

  /** Leaves the page: stops playback. */
  hide(): void {
    this.playback.stop();
  }

  private shift(dir: -1 | 1): void {
    const size = this.window.to - this.window.from;
    byId<HTMLInputElement>("rec-end").value = localInputValue(Math.min(Date.now(), this.window.to + (dir * size) / 2));
    void this.load();
  }

  private async load(): Promise<void> {
    const cam = byId<HTMLSelectElement>("rec-camera").value;
    if (!cam) return say(this.status, "no camera", true);
    const endInput = byId<HTMLInputElement>("rec-end").value;
    const to = endInput ? new Date(endInput).getTime() + 59_999 : Date.now();
    const size = Number(byId<HTMLSelectElement>("rec-window").value) * 1000;
    this.window = { from: to - size, to };
    if (this.cursor < this.window.from || this.cursor > this.window.to) this.cursor = this.window.from + size / 2;
    const range = `from=${seg(new Date(this.window.from).toISOString())}&to=${seg(new Date(this.window.to).toISOString())}`;
    say(this.status, "loading…");
    const load = ++this.loads;
    try {
      const [recs, events] = await Promise.all([
        api<unknown>("GET", `/v1/recordings?camera_id=${seg(cam)}&${range}`),
        api<PublicEvent[]>("GET", `/v1/events?camera_id=${seg(cam)}&since=${this.window.from}&until=${this.window.to}&limit=1000`),
      ]);
      if (load !== this.loads) return;
      this.recordings = recordingList(recs);
      this.events = events;
      this.spans = this.recordings.map((r) => ({ id: r.id, start: Date.parse(r.started_at), end: r.ended_at ? Date.parse(r.ended_at) : null }));
      say(
        this.status,
        `${this.recordings.length} recording${this.recordings.length === 1 ? "" : "s"}, ${events.length} event${events.length === 1 ? "" : "s"} from ${dateTime(this.window.from)} to ${dateTime(this.window.to)}`,
      );
    } catch (err) {
      if (load !== this.loads) return;
      this.recordings = [];
      this.events = [];
      this.spans = [];
      say(this.status, (err as Error).message, true);
    }
    this.render();
  }

  private key(e: KeyboardEvent): void {
    const step = keyStep(this.window, e.shiftKey);
    if (e.key === "ArrowLeft") this.cursor = Math.max(this.window.from, this.cursor - step);
    else if (e.key === "ArrowRight") this.cursor = Math.min(this.window.to, this.cursor + step);
    else if (e.key === "Home") this.cursor = this.window.from;
    else if (e.key === "End") this.cursor = this.window.to;
    else if (e.key === "Enter" || e.key === " ") void this.playFrom(this.cursor);
    else return;
    e.preventDefault();
    this.renderCursor();
  }

  /** Plays from `t`: inside a span from there, in a gap from the next span. */
  private async playFrom(t: number): Promise<void> {
    const cam = byId<HTMLSelectElement>("rec-camera").value;
    const now = Date.now();
    const span = spanAt(this.spans, t, now) ?? nextSpan(this.spans, t);
    if (!span) return say(this.status, `nothing recorded at or after ${clock(t)}`, true);
    const start = Math.max(t, span.start);
    const seconds = Math.min(PLAY_S, ((span.end ?? now) - start) / 1000);
    say(this.status, `playing ${clock(start)}, ${shortDuration(seconds * 1000)}…`);
    try {
      const how = await this.playback.play(cam, start, seconds);
      say(this.status, `playing from ${clock(start)} (${shortDuration(seconds * 1000)}, ${how === "mse" ? "streamed" : "downloaded"})`);
      byId("rec-playing").dataset.start = String(start);
    } catch (err) {
      say(this.status, (err as Error).message, true);
    }
  }

  private renderCursor(): void {
    const f = fractionOf(this.window, this.cursor);
    byId("timeline-cursor").style.left = `${f * 100}%`;
    this.line.setAttribute("aria-valuenow", String(this.cursor));
    this.line.setAttribute("aria-valuetext", dateTime(this.cursor) + clock(this.cursor).slice(5));
    byId("rec-cursor").textContent = `cursor ${dateTime(this.cursor)}${clock(this.cursor).slice(5)}: Enter plays from here`;
  }

  private render(): void {
    const now = Date.now();
    const placed = placeSpans(this.window, this.spans, now);
    const pct = (f: number) => `${(f * 100).toFixed(3)}%`;
    this.line.setAttribute("aria-valuemin", String(this.window.from));
    this.line.setAttribute("aria-valuemax", String(this.window.to));
    // Positions go through CSSOM (`el.style`): the page's CSP refuses inline style attributes.
    const at = <T extends HTMLElement>(el: T, left: number, width?: number): T => {
      el.style.left = pct(left);
      if (width !== undefined) el.style.width = pct(width);
      return el;
    };
    this.line.replaceChildren(
      ...ticks(this.window, 6, -new Date().getTimezoneOffset()).map((t) => at(h("span", { class: "tick" }, clock(t).slice(0, 5)), fractionOf(this.window, t))),
      ...placed.map((s) =>
        at(h("span", { class: "span", "data-recording": s.id, title: `${clock(s.start)}–${clock(s.end)}` }), s.left, Math.max(s.width, 0.002)),
      ),
      ...clusterEvents(
        this.window,
        this.events.map((e) => ({ at: Date.parse(e.at), e })),
        MARKER_GAP_PX / Math.max(1, this.line.clientWidth),
      ).map((c) => {
        const first = c.events[0]!;
        const what = c.events.length === 1 ? eventText(first.e) : `${c.events.length} events: ${c.events.map((x) => eventText(x.e)).join(", ")}`;
        return at(
          h(
            "button",
            {
              type: "button",
              class: "marker",
              "data-event-id": first.e.id,
              title: `${clock(first.at)} ${what}`,
              "aria-label": `Play from ${clock(first.at)}: ${what}`,
              onclick: (ev: Event) => {
                ev.stopPropagation();
                this.cursor = first.at - 5000;
                this.renderCursor();
                void this.playFrom(this.cursor);
              },
            },
            c.events.length > 1 ? String(c.events.length) : "",
          ),
          c.left,
        );
      }),
      h("span", { id: "timeline-cursor", class: "cursor" }),
    );
    this.renderCursor();
    this.renderList();
  }

  private renderList(): void {
    const admin = this.ctx.isAdmin();
    byId("rec-rows").replaceChildren(
      ...this.recordings.map((r) => {
        const start = Date.parse(r.started_at);
        const end = r.ended_at ? Date.parse(r.ended_at) : Date.now();
        return h(
          "tr",
          { "data-recording-row": r.id },
          h("td", {}, dateTime(start) + clock(start).slice(5)),
          h("td", {}, shortDuration(end - start)),
          h("td", {}, r.bytes !== undefined ? bytes(r.bytes) : "—"),
          h("td", {}, r.state),
          h(
            "td",
            { class: "actions" },
            h(
              "button",
              {
                type: "button",
                class: "small",
                "data-play": r.id,
                "aria-label": `Play recording from ${clock(start)}`,
                onclick: () => void this.playFrom(start),
              },
              "Play",
            ),
            h(
              "button",
              {
                type: "button",
                class: "small",
                "data-download": r.id,
                "aria-label": `Download recording from ${clock(start)}`,
                onclick: () => void this.download(r),
              },
              "Download",
            ),
            admin
              ? h(
                  "button",
                  {
                    type: "button",
                    class: "small danger",
                    "data-delete-recording": r.id,
                    "aria-label": `Delete recording from ${clock(start)}`,
                    onclick: () => void this.remove(r),
                  },
                  "Delete",
                )
              : null,
          ),
        );
      }),
    );
    byId("no-recordings").hidden = this.recordings.length > 0;
  }

  private async download(r: RecordingView): Promise<void> {
    say(this.status, `downloading ${r.id}…`);
    try {
      const res = await request("GET", `/v1/recordings/${seg(r.id)}/file`);
      const name = /filename="?([^";]+)"?/.exec(res.headers.get("content-disposition") ?? "")?.[1] ?? `${r.id}.mp4`;
      const url = URL.createObjectURL(await res.blob());
      const a = h("a", { href: url, download: name });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      say(this.status, `downloaded ${name}`);
    } catch (err) {
      say(this.status, (err as Error).message, true);
    }
  }

  private async remove(r: RecordingView): Promise<void> {
    if (!confirm(`Delete the recording from ${dateTime(r.started_at)}? Its files are removed.`)) return;
    try {
      await api("DELETE", `/v1/recordings/${seg(r.id)}`);
      await this.load();
      say(this.status, `deleted ${r.id}`);
    } catch (err) {
      say(this.status, (err as Error).message, true);
    }
  }
}
