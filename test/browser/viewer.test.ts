/**
 * The viewer page in a real browser: headless Debian Chromium driven by playwright-core
 * (never a downloaded browser), a real RTSP test camera, camserver `start` with real Redis
 * and ffmpeg. Loading the page opens no camera connection; opening a camera's modal plays
 * it through hls.js; closing the modal ends the session and, after the grace period, the
 * camera connection.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { stopAll } from "../support/background.ts";
import { eventually, ffmpegPids, startCamserver, tempDir, testPrefix, TEST_REDIS_URL, TEST_TOKEN, type CamserverProcess } from "../support/camserver.ts";
import { startRtspCamera, type TestbedServer } from "../support/testbed.ts";

const CHROMIUM = process.env.CAMSERVER_CHROMIUM ?? "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync"];
const CAMERA_ID = "cam_lobby";
const SCREENSHOT = "/tmp/camserver-viewer.png";
const PLAYBACK_TIMEOUT_MS = 20_000;

let cam: TestbedServer;
let server: CamserverProcess;
let dataDir = "";
let profileDir = "";
let context: BrowserContext | undefined;
let page: Page;
/** Everything the page said on its console, and requests it made, for assertions and failure messages. */
const consoleLines: string[] = [];
const streamStarts: string[] = [];

beforeAll(async () => {
  cam = await startRtspCamera();
  dataDir = tempDir("viewer");
  server = await startCamserver("start", { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: testPrefix("viewer"), DATA_DIR: dataDir });
  const r = await server.call("POST", "/v1/cameras", { id: CAMERA_ID, name: "Lobby", source_url: cam.url });
  if (r.status !== 201) throw new Error(`camera registration failed: ${r.status} ${r.text}`);
  profileDir = mkdtempSync(`${tmpdir()}/camserver-chromium-`);
  context = await chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, viewport: { width: 1280, height: 800 } });
  page = context.pages()[0] ?? (await context.newPage());
  page.on("console", (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
  page.on("pageerror", (e) => consoleLines.push(`pageerror: ${e.message}`));
  page.on("request", (req) => {
    if (req.url().includes("/v1/streams/start")) streamStarts.push(req.url());
  });
}, 60_000);

afterAll(async () => {
  await context?.close().catch(() => {});
  await server?.stop();
  await stopAll();
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
}, 30_000);

/** True when camserver holds no session and runs no ffmpeg for the test camera. */
async function noCameraConnection(): Promise<boolean> {
  const streams = await server.call("GET", "/v1/streams");
  return streams.status === 200 && Array.isArray(streams.json) && streams.json.length === 0 && ffmpegPids(`127.0.0.1:${cam.port}`).length === 0;
}

/** Asserts that no camera connection appears during `ms` (polled, so a late start is caught). */
async function expectNoConnectionFor(ms: number): Promise<void> {
  const appeared = await eventually(async () => !(await noCameraConnection()), ms);
  expect(appeared).toBe(false);
  expect(streamStarts).toEqual([]);
}

/** What the video element and the browser say, for a failure message. */
async function videoDiagnostics(): Promise<string> {
  const state = await page.evaluate(() => {
    const v = document.getElementById("video") as HTMLVideoElement;
    return {
      currentTime: v.currentTime,
      readyState: v.readyState,
      paused: v.paused,
      error: v.error ? `${v.error.code} ${v.error.message}` : null,
      buffered: Array.from({ length: v.buffered.length }, (_, i) => [v.buffered.start(i), v.buffered.end(i)]),
      avc1Mse: typeof MediaSource !== "undefined" && MediaSource.isTypeSupported('video/mp4; codecs="avc1.4d401f"'),
      message: document.getElementById("viewer-msg")?.textContent,
    };
  });
  return `${JSON.stringify(state)}\nconsole:\n${consoleLines.slice(-30).join("\n")}\nserver:\n${server.output().slice(-1500)}`;
}

describe("viewer page in headless Chromium", () => {
  it("lists the camera without opening a camera connection", async () => {
    await page.goto(`${server.base}/#token=${TEST_TOKEN}`);
    const button = page.locator(`button[data-camera="${CAMERA_ID}"]`);
    await button.waitFor({ state: "visible", timeout: 10_000 });
    expect(await button.textContent()).toContain("Lobby");
    expect(page.url()).not.toContain(TEST_TOKEN);
    await expectNoConnectionFor(1500);
  });

  it("opens no camera connection on reload either (token kept from the first visit)", async () => {
    await page.reload();
    await page.locator(`button[data-camera="${CAMERA_ID}"]`).waitFor({ state: "visible", timeout: 10_000 });
    await expectNoConnectionFor(1500);
  });

  it("plays the camera in the modal: video.currentTime advances by more than a second", async () => {
    await page.locator(`button[data-camera="${CAMERA_ID}"]`).click();
    expect(await page.locator("dialog#viewer").evaluate((d: HTMLDialogElement) => d.open)).toBe(true);
    const deadline = Date.now() + PLAYBACK_TIMEOUT_MS;
    const playing = async () => page.evaluate(() => {
      const v = document.getElementById("video") as HTMLVideoElement;
      return v.readyState >= 2 && !v.paused && v.currentTime > 0 ? v.currentTime : null;
    });
    let first: number | null = null;
    const started = await eventually(async () => (first = await playing()) !== null, PLAYBACK_TIMEOUT_MS);
    if (!started) throw new Error(`video never started playing within ${PLAYBACK_TIMEOUT_MS} ms: ${await videoDiagnostics()}`);
    const advanced = await eventually(async () => ((await playing()) ?? 0) > first! + 1, Math.max(deadline - Date.now(), 3000));
    if (!advanced) throw new Error(`video.currentTime did not advance by 1 s from ${first}: ${await videoDiagnostics()}`);
    const streams = await server.call("GET", "/v1/streams");
    expect(streams.json).toHaveLength(1);
    expect(streams.json[0].camera_id).toBe(CAMERA_ID);
    expect(ffmpegPids(`127.0.0.1:${cam.port}`)).toHaveLength(1);
    expect(streamStarts).toHaveLength(1);
    await page.screenshot({ path: SCREENSHOT });
  });

  it("closes the modal: session gone at once, camera connection gone after the grace period", async () => {
    await page.locator("#close").click();
    expect(await page.locator("dialog#viewer").evaluate((d: HTMLDialogElement) => d.open)).toBe(false);
    expect(await eventually(async () => (await server.call("GET", "/v1/streams")).json?.length === 0, 5000)).toBe(true);
    // PIPELINE_GRACE_MS=2000 in the harness; allow for job hand-off and ffmpeg's own exit.
    expect(await eventually(() => ffmpegPids(`127.0.0.1:${cam.port}`).length === 0, 10_000)).toBe(true);
    expect(await eventually(() => ffmpegPids(dataDir).length === 0, 5000)).toBe(true);
    expect(await eventually(async () => (await server.call("GET", `/v1/cameras/${CAMERA_ID}`)).json?.state === "idle", 5000)).toBe(true);
  });

  it("logs no page errors", () => {
    expect(consoleLines.filter((l) => l.startsWith("pageerror"))).toEqual([]);
  });
});
