/**
 * The operator console in a real browser: headless Debian Chromium driven by playwright-core
 * (never a downloaded browser), camserver `start` with real Redis, SQLite and ffmpeg, and
 * the tests' RTSP camera (720p30) behind the connection-counting proxy, so every TCP
 * connection camserver opens to the camera is counted.
 *
 * What it proves, in order: sign-in keeps the token out of every URL; loading and reloading
 * the page (with old events in the database) opens NO camera connection and plays nothing;
 * a tile opens the live view (WebRTC, latency, viewers, record button) and closing it ends
 * the session; the keyboard alone opens and closes it; a NEW event plays in the suggestion
 * pane, while events that come with a reload or a reconnect's resume are listed and never
 * played; settings; the recordings timeline plays, downloads and deletes; the admin page adds,
 * tests, edits and deletes a camera and creates and revokes a token; a viewer sees no admin
 * control; the phone-width layout. Every button and input of every page is used (checked at
 * the end against the page's own elements), and screenshots go to docs/screenshots/.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "bun:test";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { stopAll } from "../support/background.ts";
import { eventually, ROOT, startCamserver, tempDir, testPrefix, TEST_REDIS_URL, TEST_TOKEN, type CamserverProcess } from "../support/camserver.ts";
import { startConnCounter, startRtspCamera, type TestbedServer } from "../support/testbed.ts";
import { CHROMIUM, CHROMIUM_ARGS } from "../support/chromium.ts";

const SHOTS = resolve(ROOT, "docs/screenshots");
const CAM = "lobby";
const PLAY_MS = 20_000;

let cam: TestbedServer;
let counter: TestbedServer;
let countsFile = "";
/** Temporary directories of this file, removed afterwards. */
const dirs: string[] = [];
let server: CamserverProcess;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const pageLines: string[] = [];
/** Every request URL and WebSocket URL the page made. */
const urls: string[] = [];
const streamRequests: string[] = [];

/** The proxy's counts: every TCP connection camserver opened to the camera. */
function counts(): { current: number; total_connections: number } {
  return JSON.parse(readFileSync(countsFile, "utf8"));
}

async function consumers(id = CAM): Promise<Record<string, number>> {
  return (await server.call("GET", `/v1/cameras/${id}`)).json?.consumers ?? {};
}

/** What the console did with each event it received. */
async function received(p = page): Promise<{ id: number; replay: boolean; outcome: string }[]> {
  return p.evaluate(() => (window as any).__console.received);
}

async function shot(name: string, p = page, fullPage = false): Promise<void> {
  await p.screenshot({ path: `${SHOTS}/${name}.png`, fullPage });
}

async function postEvent(body: Record<string, unknown>): Promise<number> {
  const r = await server.call("POST", "/v1/events", body);
  if (r.status !== 201) throw new Error(`event refused: ${r.status} ${r.text}`);
  return r.json.id;
}

/** Records which controls a person used: ids (or data-* kinds of row buttons) clicked, filled or changed. */
function trackControls(): void {
  const w = window as any;
  // Kept in sessionStorage, so reloads of the tab add up.
  w.__used = new Set<string>(JSON.parse(sessionStorage.getItem("test-used-controls") ?? "[]"));
  const name = (el: Element) => el.id || Array.from(el.attributes).find((a) => a.name.startsWith("data-") && a.name !== "data-admin")?.name || el.tagName;
  const use = (el: Element) => {
    w.__used.add(name(el));
    sessionStorage.setItem("test-used-controls", JSON.stringify([...w.__used]));
  };
  addEventListener(
    "click",
    (e) => {
      const b = (e.target as Element).closest("button, a");
      if (b) use(b);
    },
    true,
  );
  for (const type of ["input", "change"]) addEventListener(type, (e) => use(e.target as Element), true);
}

/** Controls present in the page now, named as `trackControls` names them. */
async function controlsOnPage(p: Page): Promise<string[]> {
  return p.evaluate(() => {
    const name = (el: Element) => el.id || Array.from(el.attributes).find((a) => a.name.startsWith("data-") && a.name !== "data-admin")?.name || el.tagName;
    return Array.from(document.querySelectorAll("button, input, select, a[href]"))
      .filter((el) => !el.classList.contains("skip"))
      .map(name);
  });
}

async function newPage(ctx: BrowserContext): Promise<Page> {
  const p = await ctx.newPage();
  p.on("console", (m) => pageLines.push(`${m.type()}: ${m.text()}`));
  p.on("pageerror", (e) => pageLines.push(`pageerror: ${e.message}`));
  p.on("request", (r) => {
    urls.push(r.url());
    const path = new URL(r.url()).pathname;
    if (path === "/v1/streams/start" || (path.endsWith("/whep") && r.method() === "POST")) streamRequests.push(path);
  });
  p.on("websocket", (ws) => urls.push(ws.url()));
  p.on("dialog", (d) => void d.accept());
  return p;
}

/** Closes what a failed test may have left open (live view, suggestion), so the next test starts clean. */
async function settle(p = page): Promise<void> {
  if (
    await p
      .locator("dialog#viewer")
      .evaluate((d: HTMLDialogElement) => d.open)
      .catch(() => false)
  )
    await p.click("#close");
  if (
    await p
      .locator("#suggestion")
      .isVisible()
      .catch(() => false)
  )
    await p.click("#suggestion-dismiss");
}

async function waitVisible(p: Page, selector: string, timeout = 10_000): Promise<void> {
  await p.locator(selector).first().waitFor({ state: "visible", timeout });
}

/** Waits until `#id` shows `text` (a substring). */
async function waitText(p: Page, selector: string, text: string | RegExp, timeout = PLAY_MS): Promise<string> {
  let last = "";
  const ok = await eventually(async () => {
    last =
      (await p
        .locator(selector)
        .first()
        .textContent({ timeout: 200 })
        .catch(() => "")) ?? "";
    return typeof text === "string" ? last.includes(text) : text.test(last);
  }, timeout);
  if (!ok) throw new Error(`${selector} never showed ${text}; it shows "${last}"\n${pageLines.slice(-20).join("\n")}`);
  return last;
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  cam = await startRtspCamera();
  dirs.push(tempDir("console-counts"), tempDir("console"));
  countsFile = `${dirs[0]}/counts.json`;
  counter = await startConnCounter(`127.0.0.1:${cam.port}`, countsFile);
  server = await startCamserver("start", { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: testPrefix("console"), DATA_DIR: dirs[1]! });
  // Snapshots every hour: the first poll comes at once, the next long after this file ends.
  const made = await server.call("POST", "/v1/cameras", {
    id: CAM,
    name: "Lobby",
    source_url: `rtsp://127.0.0.1:${counter.port}/stream1`,
    snapshot_interval_s: 3600,
  });
  if (made.status !== 201) throw new Error(`camera registration failed: ${made.status} ${made.text}`);
  await server.call("POST", "/v1/cameras", { id: "yard", name: "Yard", source_url: "rtsp://127.0.0.1:9/none" });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  context = await browser.newContext({ viewport: { width: 1280, height: 820 }, acceptDownloads: true });
  await context.addInitScript(trackControls);
  page = await newPage(context);
}, 90_000);

afterAll(async () => {
  if (server && (server.proc.exitCode !== null || server.proc.signalCode !== null))
    console.error(`camserver exited during the tests:\n${server.output().slice(-4000)}`);
  await browser?.close().catch(() => {});
  await server?.stop();
  await stopAll();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}, 30_000);

describe("operator console in headless Chromium", () => {
  afterEach(() => settle());

  it("asks for a token, refuses a wrong one, and keeps the right one out of every URL", async () => {
    await page.goto(`${server.base}/`);
    await waitVisible(page, "#token-form");
    await shot("sign-in");
    await page.fill("#token-input", "not-a-token");
    await page.click("#sign-in");
    await waitText(page, "#token-status", "refused");
    await page.fill("#token-input", TEST_TOKEN);
    await page.click("#sign-in");
    await waitVisible(page, `button[data-camera="${CAM}"]`);
    expect(await page.locator("#who").textContent()).toBe("bootstrap (admin)");
    expect(await page.evaluate(() => [sessionStorage.getItem("camserver-token"), localStorage.getItem("camserver-token")])).toEqual([TEST_TOKEN, null]);
  });

  it("shows each camera's polled snapshot with its age, state and consumers; loading and reloading with old events opens no camera connection and plays nothing", async () => {
    // The first poll opened the camera once; wait for its snapshot and for that connection to end.
    expect(await eventually(async () => (await server.call("GET", `/v1/cameras/${CAM}/snapshot/latest`)).status === 200, 30_000)).toBe(true);
    expect(await eventually(() => counts().current === 0, 15_000)).toBe(true);
    const old = [await postEvent({ camera_id: CAM, kind: "person", label: "front door", score: 0.93 }), await postEvent({ camera_id: "yard", kind: "car" })];
    const before = counts().total_connections;
    streamRequests.length = 0;
    for (let i = 0; i < 3; i++) {
      await page.reload();
      await waitVisible(page, `button[data-camera="${CAM}"] img`);
      await eventually(async () => (await received()).length >= 2, 5000);
      expect((await received()).filter((e) => old.includes(e.id))).toEqual(
        old.map((id) => ({ id, camera_id: expect.any(String), replay: true, outcome: "history" })) as never,
      );
      expect(await page.locator("#suggestion").isHidden()).toBe(true);
    }
    expect(await page.locator(`#event-log li[data-event-id="${old[0]}"]`).textContent()).toContain("person · front door · 93 %");
    await Bun.sleep(3000);
    expect(counts().total_connections).toBe(before);
    expect(streamRequests).toEqual([]);
    expect(await consumers()).toEqual({});
    const tile = await page.locator(`button[data-camera="${CAM}"]`).textContent();
    expect(tile).toMatch(/Lobby/);
    expect(tile).toMatch(/\d+ (s|min) ago/);
    expect(tile).toContain("idle");
    expect(await page.locator(`button[data-camera="yard"]`).textContent()).toContain("snapshots off");
    expect(await page.locator(`button[data-camera="${CAM}"] img`).getAttribute("src")).toMatch(/^blob:/);
    await page.selectOption("#event-filter", CAM);
    expect(await page.locator("#event-log li").count()).toBe(1);
    expect(await page.locator(`#event-log li[data-event-id="${old[0]}"]`).count()).toBe(1);
    await page.selectOption("#event-filter", "");
    await shot("cameras");
  });

  it("plays a clicked camera over WebRTC with latency and viewers, records from the live view, and ends the session on close", async () => {
    await page.click(`button[data-camera="${CAM}"]`);
    expect(await page.locator("dialog#viewer").evaluate((d: HTMLDialogElement) => d.open)).toBe(true);
    await waitText(page, "#viewer-mode", "WebRTC");
    await waitText(page, "#viewer-latency", /latency \d+ ms/);
    await waitText(page, "#viewer-count", "1 watching (WebRTC 1)", 8000);
    const latency = await page.locator("#viewer-latency").textContent();
    console.log(`live view ${latency} (${await page.locator("#viewer-latency").getAttribute("title")})`);
    expect(await eventually(async () => (await consumers()).webrtc === 1, 5000)).toBe(true);
    await waitText(page, "#record", "Record");
    await page.click("#record");
    await waitText(page, "#record", "Stop recording", 30_000);
    await shot("live-view");
    await Bun.sleep(6000);
    await page.click("#record");
    await waitText(page, "#record", /^Record$/, 30_000);
    await page.click("#close");
    expect(await eventually(async () => !("webrtc" in (await consumers())), 3000)).toBe(true);
  });

  it("opens and closes the live view with the keyboard alone", async () => {
    await page.locator("body").focus();
    const onTile = () => page.evaluate((id) => (document.activeElement as HTMLElement | null)?.dataset?.camera === id, CAM);
    for (let i = 0; i < 20 && !(await onTile()); i++) await page.keyboard.press("Tab");
    expect(await onTile()).toBe(true);
    await page.keyboard.press("Enter");
    await waitText(page, "#viewer-mode", /WebRTC|HLS/);
    await page.keyboard.press("Escape");
    expect(await page.locator("dialog#viewer").evaluate((d: HTMLDialogElement) => d.open)).toBe(false);
    expect(await eventually(async () => Object.keys(await consumers()).every((k) => k !== "webrtc" && k !== "hls"), 3000)).toBe(true);
  });

  it("plays a NEW event's camera in the suggestion pane, counts down, and hands it to the live view", async () => {
    const id = await postEvent({ camera_id: CAM, kind: "person", label: "at the gate", score: 0.88 });
    await waitVisible(page, "#suggestion");
    await waitText(page, "#suggestion-mode", "WebRTC");
    expect(await page.locator("#suggestion-title").textContent()).toContain("Lobby person · at the gate · 88 %");
    expect(await page.locator("#suggestion-left").textContent()).toMatch(/^\d+ s$/);
    expect((await received()).find((e) => e.id === id)).toMatchObject({ replay: false, outcome: "played" });
    expect(await page.locator(`#event-log li[data-event-id="${id}"] .new`).count()).toBe(1);
    await shot("suggestion");
    await page.click("#suggestion-open");
    expect(await page.locator("#suggestion").isHidden()).toBe(true);
    await waitText(page, "#viewer-mode", "WebRTC");
    await page.click("#close");
    expect(await eventually(async () => !("webrtc" in (await consumers())), 3000)).toBe(true);
  });

  it("events that come with a reload or a reconnect's resume are listed and never played; a live one after the reconnect plays", async () => {
    const before = counts().total_connections;
    await page.evaluate(() => (window as any).__console.socket.stop());
    const missed = await postEvent({ camera_id: CAM, kind: "motion" });
    await page.evaluate(() => (window as any).__console.socket.start());
    await waitVisible(page, `#event-log li[data-event-id="${missed}"]`);
    expect((await received()).find((e) => e.id === missed)).toMatchObject({ replay: true, outcome: "history" });
    await page.reload();
    await waitVisible(page, `#event-log li[data-event-id="${missed}"]`);
    expect((await received()).every((e) => e.replay && e.outcome === "history")).toBe(true);
    await Bun.sleep(2500);
    expect(counts().total_connections).toBe(before);
    expect(await page.locator("#suggestion").isHidden()).toBe(true);
    // A dropped socket reconnects by itself; what is new after that plays.
    const connects = await page.evaluate(() => (window as any).__console.socket.connects as number);
    await page.evaluate(() => (window as any).__console.socket.drop());
    // Live again only once the new connection is up (its "ready" came), not the old one's state.
    const back = async () =>
      (await page.evaluate(() => (window as any).__console.socket.connects as number)) > connects &&
      (await page.locator("#socket-state").getAttribute("data-state")) === "live";
    expect(await eventually(back, 15_000)).toBe(true);
    const fresh = await postEvent({ camera_id: CAM, kind: "person" });
    await waitVisible(page, "#suggestion");
    expect((await received()).find((e) => e.id === fresh)).toMatchObject({ replay: false, outcome: "played" });
    await page.click("#suggestion-dismiss");
    expect(await eventually(async () => !("webrtc" in (await consumers())), 3000)).toBe(true);
  });

  it("sends a test event from the console (admin): the camera records 3 s by its event setting, no playback with a suggestion time of 0; HLS only when asked", async () => {
    await page.click('#nav a[data-page="settings"]');
    await page.fill("#pref-suggest", "0");
    await page.check("#pref-hls");
    await page.click("#settings-save");
    await waitText(page, "#settings-status", "saved");
    await shot("settings");
    await page.click('#nav a[data-page="cameras"]');
    // The camera records 3 s on each new event (its event setting); a console plays nothing now.
    expect((await server.call("PUT", `/v1/cameras/${CAM}/event-settings`, { record_s: 3 })).status).toBe(200);
    const recordingsBefore = (await server.call("GET", `/v1/recordings?camera_id=${CAM}`)).json.length;
    await page.selectOption("#event-camera", CAM);
    await page.fill("#event-kind", "bicycle");
    await page.fill("#event-label", "sent from the console");
    await page.click("#event-send");
    await waitText(page, "#event-form-status", /sent event \d+, recording 3 s/);
    expect(await eventually(async () => (await server.call("GET", `/v1/recordings?camera_id=${CAM}`)).json.length === recordingsBefore + 1, 15_000)).toBe(true);
    const byEvent = (await server.call("GET", `/v1/recordings?camera_id=${CAM}`)).json.find((r: { max_duration_s: number | null }) => r.max_duration_s === 3);
    expect(byEvent).toBeDefined();
    expect(await eventually(async () => (await server.call("GET", `/v1/recordings/${byEvent.id}`)).json.state === "done", 20_000)).toBe(true);
    await server.call("PUT", `/v1/cameras/${CAM}/event-settings`, { record_s: 0 });
    const id = Number((await page.locator("#event-form-status").textContent())!.match(/\d+/)![0]);
    await eventually(async () => (await received()).some((e) => e.id === id), 3000);
    expect((await received()).find((e) => e.id === id)).toMatchObject({ replay: false, outcome: "off" });
    expect(await page.locator("#suggestion").isHidden()).toBe(true);
    await page.click(`#event-log li[data-event-id="${id}"] button[data-action="live"]`);
    await waitText(page, "#viewer-mode", "HLS");
    await page.click("#close");
    await page.click('#nav a[data-page="settings"]');
    await page.fill("#pref-suggest", "20");
    await page.uncheck("#pref-hls");
    await page.click("#settings-save");
    await waitText(page, "#settings-status", "saved");
    expect(await eventually(async () => (await server.call("GET", "/v1/streams")).json?.length === 0, 5000)).toBe(true);
  });

  it("shows the recording on the timeline with the events, plays from a click, from the keyboard and from a marker, downloads and deletes", async () => {
    await page.click('#nav a[data-page="recordings"]');
    await page.selectOption("#rec-camera", CAM);
    await page.selectOption("#rec-window", "600");
    await page.fill(
      "#rec-end",
      await page.evaluate(() => {
        const d = new Date(Date.now() + 60_000);
        const p = (n: number) => String(n).padStart(2, "0");
        return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
      }),
    );
    await page.click("#rec-show");
    await waitText(page, "#rec-status", /\d+ recordings?, \d+ events? from/);
    await waitVisible(page, "#timeline .span");
    // Events close together share a marker (its label counts them): every event of the window is on one.
    const shown = Number((await page.locator("#rec-status").textContent())!.match(/(\d+) events?/)![1]);
    expect(shown).toBeGreaterThanOrEqual(3);
    const labels = await page.locator("#timeline .marker").evaluateAll((els) => els.map((e) => e.getAttribute("aria-label") ?? ""));
    expect(labels.reduce((n, l) => n + Number(/: (\d+) events:/.exec(l)?.[1] ?? 1), 0)).toBe(shown);
    const span = page.locator("#timeline .span").first();
    const box = (await span.boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    const playing = async () =>
      page.evaluate(() => {
        const v = document.getElementById("rec-video") as HTMLVideoElement;
        return v.readyState >= 2 && v.currentTime > 0 ? v.currentTime : 0;
      });
    await waitText(page, "#rec-status", /playing from .*streamed/);
    const t0 = (await eventually(async () => (await playing()) > 0, PLAY_MS)) ? await playing() : 0;
    expect(t0).toBeGreaterThan(0);
    expect(await eventually(async () => (await playing()) > t0 + 1, PLAY_MS)).toBe(true);
    await shot("recordings");
    await page.click("#rec-stop");
    await waitText(page, "#rec-status", "stopped");
    await page.locator("#timeline").focus();
    await page.keyboard.press("Home");
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("Shift+ArrowRight");
    await page.keyboard.press("End");
    await page.keyboard.press("ArrowLeft");
    await page.keyboard.press("Enter");
    await waitText(page, "#rec-status", /nothing recorded at or after|playing/);
    await page.locator("#timeline .marker").first().click();
    await waitText(page, "#rec-status", /playing|nothing recorded/);
    await page.click("#rec-stop");
    await page.locator("#rec-rows button[data-play]").first().click();
    await waitText(page, "#rec-status", /playing from/);
    await page.click("#rec-stop");
    const download = page.waitForEvent("download");
    await page.locator("#rec-rows button[data-download]").first().click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/\.mp4$/);
    const saved = await file.path();
    expect(readFileSync(saved).subarray(4, 8).toString()).toBe("ftyp");
    await page.click("#rec-earlier");
    await page.click("#rec-later");
    await waitVisible(page, "#rec-rows button[data-delete-recording]");
    const rows = await page.locator("#rec-rows tr").count();
    await page.locator("#rec-rows button[data-delete-recording]").first().click();
    await waitText(page, "#rec-status", /deleted rec_/);
    expect(await page.locator("#rec-rows tr").count()).toBe(rows - 1);
  });

  it("jumps from an event in the log to the recordings at its time", async () => {
    await page.click('#nav a[data-page="cameras"]');
    await page.locator(`#event-log li button[data-action="recording"]`).first().click();
    await waitVisible(page, "#page-recordings");
    expect(page.url()).toMatch(/#\/recordings\?camera=\w+&at=\d+/);
    await waitText(page, "#rec-status", /from|nothing|recording/);
  });

  it("adds a camera with a connection test, edits it, and deletes it (admin page)", async () => {
    await page.click('#nav a[data-page="admin"]');
    await waitVisible(page, `#admin-cameras tr[data-camera-row="${CAM}"]`);
    expect(await page.locator("#board-link").getAttribute("href")).toBe("/admin/queues");
    const [board] = await Promise.all([context.waitForEvent("page"), page.click("#board-link")]);
    await board.close();
    await page.click("#camera-add");
    await page.fill("#cam-id", "porch");
    await page.fill("#cam-name", "Porch");
    await page.fill("#cam-url", `rtsp://127.0.0.1:${cam.port}/stream1`);
    await page.fill("#cam-user", "");
    await page.fill("#cam-pass", "");
    await page.selectOption("#cam-network", "vpn");
    await page.fill("#cam-snapshot", "0");
    await page.fill("#cam-viewers", "5");
    await page.fill("#cam-record-s", "0");
    await page.click("#cam-test");
    await waitText(page, "#cam-test-result", "video found", 30_000);
    const result = await page.locator("#cam-test-result").textContent();
    expect(result).toContain("200 OK");
    expect(result).toContain("h264");
    expect(result).toContain("1280×720");
    expect(result).toContain("30 fps");
    await shot("admin-camera-test", page, true);
    await page.click("#cam-save");
    await waitVisible(page, '#admin-cameras tr[data-camera-row="porch"]');
    expect((await server.call("GET", "/v1/cameras/porch")).json).toMatchObject({ name: "Porch", network: "vpn", max_viewers: 5, snapshot_interval_s: 0 });
    await page.click('#admin-cameras button[data-edit="porch"]');
    expect(await page.locator("#cam-id").isDisabled()).toBe(true);
    await page.fill("#cam-name", "Front porch");
    await page.fill("#cam-user", "admin");
    await page.fill("#cam-pass", "secret-1");
    await page.fill("#cam-record-s", "5");
    await page.click("#cam-save");
    await waitText(page, "#admin-status", "saved Front porch");
    expect((await server.call("GET", "/v1/cameras/porch/event-settings")).json).toEqual({ camera_id: "porch", record_s: 5 });
    await page.click('#admin-cameras button[data-edit="porch"]');
    expect(await page.locator("#cam-pass").getAttribute("placeholder")).toBe("unchanged");
    await page.check("#cam-pass-clear");
    await page.click("#cam-save");
    // The status already says "saved Front porch" from the save before: wait for this save to close the form.
    await page.waitForSelector("#camera-form", { state: "hidden" });
    await waitText(page, "#admin-status", "saved Front porch");
    expect((await server.call("GET", "/v1/cameras/porch")).json).toMatchObject({ username: "admin", has_password: false });
    await page.click('#admin-cameras button[data-edit="porch"]');
    await page.click("#cam-cancel");
    expect(await page.locator("#camera-form").isHidden()).toBe(true);
    await page.click('#admin-cameras button[data-delete="porch"]');
    await waitText(page, "#admin-status", "deleted Front porch");
    expect((await server.call("GET", "/v1/cameras/porch")).status).toBe(404);
  }, 60_000);

  let viewerToken = "";
  const viewerUsed = new Set<string>();
  it("creates an API token (shown once) and revokes another", async () => {
    for (const [name, role] of [
      ["wall screen", "viewer"],
      ["old kiosk", "admin"],
    ]) {
      await page.fill("#token-name", name!);
      await page.selectOption("#token-role", role!);
      await page.click("#token-create-submit");
      await waitText(page, "#tokens-status", `created ${name}`);
      if (role === "viewer") viewerToken = (await page.locator("#token-new-value").textContent())!;
    }
    expect(viewerToken).toMatch(/^cst_/);
    await page.click("#token-copy");
    await shot("admin", page, true);
    await page.locator("#token-rows tr", { hasText: "old kiosk" }).locator("button[data-revoke]").click();
    await waitText(page, "#tokens-status", "revoked old kiosk");
    await waitText(page, '#token-rows tr:has-text("old kiosk") td:last-child', "revoked");
  });

  it("shows a viewer no admin control, and signs out", async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 820 } });
    await ctx.addInitScript(trackControls);
    const p = await newPage(ctx);
    await p.goto(`${server.base}/#token=${encodeURIComponent(viewerToken)}`);
    await waitVisible(p, `button[data-camera="${CAM}"]`);
    expect(p.url()).not.toContain("token");
    expect(await p.locator("#who").textContent()).toBe("wall screen (viewer)");
    expect(await p.locator('#nav a[data-page="admin"]').isHidden()).toBe(true);
    expect(await p.locator("#event-form").isHidden()).toBe(true);
    await p.evaluate(() => (location.hash = "#/admin"));
    expect(await p.locator("#page-admin").isHidden()).toBe(true);
    await p.click(`button[data-camera="${CAM}"]`);
    await waitText(p, "#viewer-mode", /WebRTC|HLS/);
    expect(await p.locator("#record").isHidden()).toBe(true);
    await p.click("#close");
    await p.click("#sign-out");
    await waitVisible(p, "#token-form");
    expect(await p.evaluate(() => sessionStorage.getItem("camserver-token"))).toBeNull();
    for (const c of await p.evaluate(() => [...(window as any).__used])) viewerUsed.add(c);
    await ctx.close();
  });

  it("fits a phone-width screen (390 px): one column, the live view full width", async () => {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const p = await newPage(ctx);
    await p.goto(`${server.base}/#token=${TEST_TOKEN}`);
    await waitVisible(p, `button[data-camera="${CAM}"] img`);
    const width = await p.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
    const tile = (await p.locator(`button[data-camera="${CAM}"]`).boundingBox())!;
    expect(tile.width).toBeGreaterThan(330);
    await shot("phone", p);
    await p.click(`button[data-camera="${CAM}"]`);
    await waitText(p, "#viewer-mode", /WebRTC|HLS/);
    const video = (await p.locator("#video").boundingBox())!;
    expect(video.width).toBeGreaterThan(360);
    await shot("phone-live-view", p);
    await p.click("#close");
    await ctx.close();
  });

  it("used every button and input of every page, made no request with the token in its URL, and logged no page error", async () => {
    const used = new Set<string>([...(await page.evaluate(() => [...(window as any).__used])), ...viewerUsed]);
    await page.click('#nav a[data-page="cameras"]');
    const present = new Set<string>();
    for (const hash of ["#/cameras", "#/recordings", "#/settings", "#/admin"]) {
      await page.evaluate((h) => (location.hash = h), hash);
      for (const c of await controlsOnPage(page)) present.add(c);
    }
    const unused = [...present].filter((c) => !used.has(c));
    console.log(`controls used: ${used.size}; present: ${present.size}`);
    expect(unused).toEqual([]);
    expect(urls.filter((u) => u.includes(TEST_TOKEN) || u.includes(viewerToken))).toEqual([]);
    expect(pageLines.filter((l) => l.startsWith("pageerror"))).toEqual([]);
  });
});
