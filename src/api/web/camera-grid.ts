/**
 * The camera grid: one tile per camera with its latest polled snapshot and that
 * snapshot's age, the pipeline state and the live consumers (`GET /v1/cameras`). Loading or
 * refreshing the grid opens no camera connection: snapshots come from the poll camserver
 * already does (`snapshot/latest`), never from `/snapshot`, and a tile plays only when
 * clicked.
 */
import { api } from "./api.ts";
import { ago, byId, h, say } from "./dom.ts";
import { SnapshotLoader } from "./snapshot-loader.ts";
import type { CameraView } from "./types.ts";

const LIST_EVERY_MS = 5000;
const SNAPSHOTS_EVERY_MS = 10_000;

/** "live · WebRTC 2, HLS 1" or "idle". */
export function stateText(c: Pick<CameraView, "state" | "consumers">): string {
  const consumers = Object.entries(c.consumers ?? {})
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k === "webrtc" ? "WebRTC" : k === "hls" ? "HLS" : k} ${n}`);
  return consumers.length ? `${c.state} · ${consumers.join(", ")}` : c.state;
}

/** The grid on the Cameras page. */
export class CameraGrid {
  private cameras: CameraView[] = [];
  private readonly snapshots = new SnapshotLoader();
  private readonly list = byId<HTMLUListElement>("cameras");
  private readonly status = byId("grid-status");
  private listTimer: ReturnType<typeof setInterval> | undefined;
  private snapTimer: ReturnType<typeof setInterval> | undefined;
  private ageTimer: ReturnType<typeof setInterval> | undefined;
  private names = "";
  private readonly asked = new Set<string>();
  /** Called after a refresh that changed the cameras' ids or names. */
  onRefresh: (() => void) | undefined;

  /** @param onOpen a tile was clicked */
  constructor(private readonly onOpen: (cam: CameraView) => void) {}

  /** The cameras of the last load. */
  get all(): readonly CameraView[] {
    return this.cameras;
  }

  /** Starts loading and the periodic refreshes (while the page is visible). */
  start(): void {
    this.stop();
    void this.refresh().then(() => this.loadSnapshots());
    const visible = () => document.visibilityState === "visible";
    this.listTimer = setInterval(() => visible() && void this.refresh(), LIST_EVERY_MS);
    this.snapTimer = setInterval(() => visible() && void this.loadSnapshots(), SNAPSHOTS_EVERY_MS);
    this.ageTimer = setInterval(() => this.renderAges(), 1000);
  }

  /** Stops the refreshes (signed out). */
  stop(): void {
    clearInterval(this.listTimer);
    clearInterval(this.snapTimer);
    clearInterval(this.ageTimer);
  }

  /** Reloads the camera list and redraws the tiles. */
  async refresh(): Promise<void> {
    try {
      this.cameras = await api<CameraView[]>("GET", "/v1/cameras");
      say(this.status, `${this.cameras.length} camera${this.cameras.length === 1 ? "" : "s"}`);
      for (const id of this.snapshots.cameras()) if (!this.cameras.some((c) => c.id === id)) this.snapshots.drop(id);
      this.render();
      const names = JSON.stringify(this.cameras.map((c) => [c.id, c.name]));
      if (names !== this.names) {
        this.names = names;
        this.onRefresh?.();
      }
    } catch (err) {
      say(this.status, (err as Error).message, true);
    }
  }

  private async loadSnapshots(): Promise<void> {
    // A camera without polling gets no new snapshot: asked once (it may keep an old one).
    const due = this.cameras.filter((c) => c.snapshot_interval_s > 0 || !this.asked.has(c.id));
    for (const c of due) this.asked.add(c.id);
    await Promise.all(due.map((c) => this.snapshots.load(c.id)));
    this.render();
  }

  private render(): void {
    const focused = (document.activeElement as HTMLElement | null)?.dataset?.camera;
    this.list.replaceChildren(...this.cameras.map((c) => this.tile(c)));
    if (focused) this.list.querySelector<HTMLElement>(`button[data-camera="${CSS.escape(focused)}"]`)?.focus();
    this.list.hidden = this.cameras.length === 0;
    byId("no-cameras").hidden = this.cameras.length > 0;
  }

  private tile(c: CameraView): HTMLLIElement {
    const snap = this.snapshots.get(c.id);
    const picture = snap
      ? h("img", { src: snap.url, alt: `latest snapshot of ${c.name}` })
      : h("span", { class: "no-snapshot" }, c.snapshot_interval_s > 0 ? "no snapshot yet" : "snapshots off");
    const button = h(
      "button",
      { type: "button", class: "tile", "data-camera": c.id, "aria-label": `${c.name}: ${stateText(c)}. Open live view`, onclick: () => this.onOpen(c) },
      h("span", { class: "picture" }, picture, snap ? h("span", { class: "age", "data-at": snap.at }, ago(snap.at)) : null),
      h("span", { class: "name" }, c.name),
      h("small", { class: `state state-${c.state}` }, `${c.id} · ${stateText(c)}`),
      c.last_error && c.state !== "live" ? h("small", { class: "error" }, c.last_error.message) : null,
    );
    return h("li", {}, button);
  }

  private renderAges(): void {
    this.list.querySelectorAll<HTMLElement>(".age").forEach((el) => (el.textContent = ago(Number(el.dataset.at))));
  }
}
