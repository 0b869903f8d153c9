/**
 * The operator console (bundled by Bun at start-up, src/api/routes/web.ts). Signs in with a
 * token (sessionStorage only), asks `GET /v1/me` for its role and shows admin controls only
 * to admins, then shows the camera grid, the event log fed by the event WebSocket, the
 * recordings timeline, settings and the admin page.
 *
 * The rule the seeds' console broke: loading or reloading the page opens NO camera
 * connection. Playback starts only from a person's click, or from an event the server
 * pushes as new (`replay: false`); events a reload or a reconnect delivers are history.
 * `window.__camserver` is the live view's player state, `window.__console` the rest, for
 * tests.
 */
import { api, ApiError, whenUnauthorized } from "./api.ts";
import { clearToken, currentToken, setToken, takeTokenFromFragment } from "./auth-token.ts";
import { AdminPage } from "./admin-page.ts";
import { CameraGrid } from "./camera-grid.ts";
import { byId, say } from "./dom.ts";
import { EventLog } from "./event-log.ts";
import { EventSocket, type SocketState } from "./event-socket.ts";
import { LiveView } from "./live-view.ts";
import type { PlayerDebug } from "./player.ts";
import { hlsForcedByAddress, loadPrefs, type Prefs } from "./prefs.ts";
import { RecordingsPage } from "./recordings-page.ts";
import { parseRoute, routeHash, PAGES, type Page } from "./router.ts";
import { bindSettings } from "./settings-page.ts";
import { SuggestionPane, type SuggestOutcome } from "./suggestion-pane.ts";
import type { Me, PublicEvent } from "./types.ts";

let me: Me | null = null;
let prefs: Prefs = loadPrefs();
const isAdmin = () => me?.role === "admin";
const forceHls = () => prefs.forceHls || hlsForcedByAddress();

const liveDebug: PlayerDebug = {};
/** Every event the console received, with what it did about it. */
const received: { id: number; camera_id: string; replay: boolean; outcome: SuggestOutcome | "history" }[] = [];

const grid = new CameraGrid((cam) => live.open(cam));
const cameraName = (id: string) => grid.all.find((c) => c.id === id)?.name ?? id;
const live = new LiveView({ isAdmin, forceHls, onClosed: () => void grid.refresh() }, liveDebug);
const openLive = (cameraId: string) => {
  suggestion.close();
  live.open({ id: cameraId, name: cameraName(cameraId) });
};
const suggestion = new SuggestionPane({ suggestS: () => prefs.suggestS, forceHls, liveCamera: () => live.cameraId, cameraName, openLive });
const recordings = new RecordingsPage({ cameras: () => grid.all, isAdmin });
const log = new EventLog({
  cameras: () => grid.all,
  openLive,
  openRecordings: (cameraId, at) => void go("recordings", { camera: cameraId, at: String(at) }),
});
const admin = new AdminPage(() => void grid.refresh().then(() => log.setCameras(grid.all)));
const socket = new EventSocket({
  onEvent: (e: PublicEvent, replay: boolean) => {
    log.add(e, !replay);
    // History (a reload's backlog, a reconnect's resume) never plays; only a new event may.
    const outcome = replay ? "history" : suggestion.suggest(e);
    received.push({ id: e.id, camera_id: e.camera_id, replay, outcome });
  },
  onState: (state: SocketState, detail: string) => {
    const el = byId("socket-state");
    el.textContent = state === "live" ? "events live" : state === "refused" ? "events refused" : `events ${state}`;
    el.title = detail;
    el.dataset.state = state;
  },
});
Object.assign(window, { __camserver: liveDebug, __console: { socket, received, suggestions: suggestion.started } });

function go(page: Page, params: Record<string, string> = {}): void {
  location.hash = routeHash(page, params);
}

function showPage(): void {
  if (!me) return;
  const { page, params } = parseRoute(location.hash);
  const shown: Page = page === "admin" && !isAdmin() ? "cameras" : page;
  for (const p of PAGES) byId(`page-${p}`).hidden = p !== shown;
  document.querySelectorAll<HTMLAnchorElement>("#nav a").forEach((a) => a.setAttribute("aria-current", a.dataset.page === shown ? "page" : "false"));
  if (shown !== "recordings") recordings.hide();
  if (shown === "recordings") void recordings.show(params.get("camera") ?? undefined, params.has("at") ? Number(params.get("at")) : undefined);
  if (shown === "admin") void admin.load();
}

async function signIn(): Promise<void> {
  const form = byId<HTMLFormElement>("token-form");
  if (!currentToken()) return showSignIn("");
  try {
    me = await api<Me>("GET", "/v1/me");
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return showSignIn("That token was refused.");
    // A server without /v1/me: assume the least role (the server enforces roles anyway).
    if (err instanceof ApiError && err.status === 404) me = { name: "", role: "viewer" };
    else return showSignIn((err as Error).message);
  }
  form.hidden = true;
  byId("nav").hidden = false;
  byId("sign-out").hidden = false;
  byId("who").textContent = me.name ? `${me.name} (${me.role})` : me.role;
  document.body.dataset.role = me.role;
  document.querySelectorAll<HTMLElement>("[data-admin]").forEach((el) => (el.hidden = !isAdmin()));
  grid.start();
  await grid.refresh();
  log.setCameras(grid.all);
  socket.start();
  showPage();
}

function showSignIn(message: string): void {
  me = null;
  grid.stop();
  socket.stop();
  suggestion.close();
  if (byId<HTMLDialogElement>("viewer").open) byId<HTMLDialogElement>("viewer").close();
  for (const p of PAGES) byId(`page-${p}`).hidden = true;
  byId("nav").hidden = true;
  byId("sign-out").hidden = true;
  byId("who").textContent = "";
  byId("token-form").hidden = false;
  say(byId("token-status"), message, message !== "");
  byId("token-input").focus();
}

whenUnauthorized(() => {
  if (!me) return;
  clearToken();
  showSignIn("The server refused the token (revoked?). Sign in again.");
});
byId<HTMLFormElement>("token-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const input = byId<HTMLInputElement>("token-input");
  setToken(input.value.trim());
  input.value = "";
  void signIn();
});
byId("sign-out").addEventListener("click", () => {
  clearToken();
  showSignIn("Signed out.");
});
addEventListener("hashchange", showPage);
bindSettings((p) => (prefs = p));
grid.onRefresh = () => log.setCameras(grid.all);
takeTokenFromFragment();
void signIn();
