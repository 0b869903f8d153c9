/**
 * The event log beside the grid: events from the WebSocket (history and new ones, newest
 * first, at most 500 kept) and older ones of one camera from `GET /v1/events` when the
 * filter picks it. Each entry offers "Live" (a person's action, so it may play) and
 * "Recording" (the camera's timeline at the event's time). Admins get a form that posts a
 * test event (`POST /v1/events`).
 */
import { api, seg } from "./api.ts";
import { byId, clock, h, say } from "./dom.ts";
import type { CameraView, PublicEvent } from "./types.ts";

const KEEP = 500;

/** What the log needs from the console. */
export interface EventLogContext {
  cameras(): readonly CameraView[];
  openLive(cameraId: string): void;
  openRecordings(cameraId: string, at: number): void;
}

/** "person · front door · 92 %". */
export function eventText(e: Pick<PublicEvent, "kind" | "label" | "score">): string {
  return [e.kind, e.label, e.score !== null ? `${Math.round(e.score * 100)} %` : null].filter(Boolean).join(" · ");
}

/** The log. */
export class EventLog {
  private readonly events = new Map<number, { e: PublicEvent; fresh: boolean }>();
  private readonly list = byId<HTMLOListElement>("event-log");
  private readonly filter = byId<HTMLSelectElement>("event-filter");

  constructor(private readonly ctx: EventLogContext) {
    this.filter.addEventListener("change", () => void this.loadFiltered());
    byId<HTMLFormElement>("event-form").addEventListener("submit", (e) => {
      e.preventDefault();
      void this.send();
    });
  }

  /** Adds an event (`fresh`: it just happened, not history). */
  add(e: PublicEvent, fresh: boolean): void {
    this.events.set(e.id, { e, fresh });
    if (this.events.size > KEEP) {
      const oldest = [...this.events.values()].sort((a, b) => Date.parse(a.e.at) - Date.parse(b.e.at) || a.e.id - b.e.id)[0]!;
      this.events.delete(oldest.e.id);
    }
    this.render();
  }

  /** Refills the camera pickers (filter and test form) after the camera list changed. */
  setCameras(cams: readonly CameraView[]): void {
    for (const [select, all] of [
      [this.filter, true],
      [byId<HTMLSelectElement>("event-camera"), false],
    ] as const) {
      const keep = select.value;
      select.replaceChildren(...(all ? [h("option", { value: "" }, "All cameras")] : []), ...cams.map((c) => h("option", { value: c.id }, c.name)));
      if (Array.from(select.options).some((o) => o.value === keep)) select.value = keep;
    }
    this.render();
  }

  private async loadFiltered(): Promise<void> {
    const id = this.filter.value;
    this.render();
    if (id) {
      try {
        for (const e of await api<PublicEvent[]>("GET", `/v1/events?camera_id=${seg(id)}&limit=100`))
          if (!this.events.has(e.id)) this.events.set(e.id, { e, fresh: false });
      } catch (err) {
        say(byId("event-status"), (err as Error).message, true);
      }
    }
    this.render();
  }

  private async send(): Promise<void> {
    const status = byId("event-form-status");
    const body: Record<string, unknown> = { camera_id: byId<HTMLSelectElement>("event-camera").value, kind: byId<HTMLInputElement>("event-kind").value.trim() };
    const label = byId<HTMLInputElement>("event-label").value.trim();
    if (label) body.label = label;
    try {
      const e = await api<PublicEvent & { recording: { seconds: number } | null }>("POST", "/v1/events", body);
      say(status, `sent event ${e.id}${e.recording ? `, recording ${e.recording.seconds} s` : ""}`);
    } catch (err) {
      say(status, (err as Error).message, true);
    }
  }

  private name(id: string): string {
    return this.ctx.cameras().find((c) => c.id === id)?.name ?? id;
  }

  private render(): void {
    const only = this.filter.value;
    const rows = [...this.events.values()]
      .filter(({ e }) => !only || e.camera_id === only)
      .sort((a, b) => Date.parse(b.e.at) - Date.parse(a.e.at) || b.e.id - a.e.id)
      .slice(0, 100);
    this.list.replaceChildren(
      ...rows.map(({ e, fresh }) =>
        h(
          "li",
          { "data-event-id": e.id, class: fresh ? "fresh" : "" },
          h("time", { datetime: e.at }, clock(e.at)),
          h("span", { class: "event-camera" }, this.name(e.camera_id)),
          h("span", { class: "event-what" }, eventText(e)),
          fresh ? h("span", { class: "badge new" }, "new") : null,
          h(
            "span",
            { class: "event-actions" },
            h(
              "button",
              {
                type: "button",
                class: "small",
                "data-action": "live",
                "aria-label": `Live view of ${this.name(e.camera_id)}`,
                onclick: () => this.ctx.openLive(e.camera_id),
              },
              "Live",
            ),
            h(
              "button",
              {
                type: "button",
                class: "small",
                "data-action": "recording",
                "aria-label": `Recordings of ${this.name(e.camera_id)} at ${clock(e.at)}`,
                onclick: () => this.ctx.openRecordings(e.camera_id, Date.parse(e.at)),
              },
              "Recording",
            ),
          ),
        ),
      ),
    );
    byId("no-events").hidden = rows.length > 0;
  }
}
