/**
 * The viewer page in a real browser: headless Debian Chromium driven by playwright-core
 * (never a downloaded browser), a real RTSP test camera (720p30), camserver `start` with
 * real Redis and ffmpeg. Loading the page opens no camera connection; opening a camera's
 * modal plays it over WebRTC (WHEP) by default, through hls.js with `#mode=hls` or when
 * WHEP fails; closing the modal ends the session and, after the grace period, the camera
 * connection. Reports the time from the WHEP POST to the first decoded frame.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { chromium, type BrowserContext, type Page, type Route } from "playwright-core";
import { stopAll } from "../support/background.ts";
import { eventually, ffmpegPids, startCamserver, tempDir, testPrefix, TEST_REDIS_URL, TEST_TOKEN, type CamserverProcess } from "../support/camserver.ts";
import { startRtspCamera, type TestbedServer } from "../support/testbed.ts";
import { CHROMIUM, CHROMIUM_ARGS } from "../support/chromium.ts";

const CAMERA_ID = "cam_lobby";
const SCREENSHOT_HLS = "/tmp/camserver-viewer.png";
const SCREENSHOT_WEBRTC = "/tmp/camserver-webrtc.png";
const PLAYBACK_TIMEOUT_MS = 20_000;
/** Loose on purpose (the target is 500 ms); the measured number is printed. */
const LIVE_FIRST_FRAME_LIMIT_MS = 2000;

let cam: TestbedServer;
let server: CamserverProcess;
let dataDir = "";
let profileDir = "";
let context: BrowserContext | undefined;
let page: Page;
/** Everything the page said on its console, and requests it made, for assertions and failure messages. */
const consoleLines: string[] = [];
let streamStarts: string[] = [];
let whepRequests: string[] = [];
/** Paths and queries of HLS requests (playlist reloads with LL-HLS directives, parts). */
let hlsRequests: string[] = [];
let listLoads = 0;

beforeAll(async () => {
  cam = await startRtspCamera();
  dataDir = tempDir("viewer");
  server = await startCamserver("start", { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: testPrefix("viewer"), DATA_DIR: dataDir });
  const r = await server.call("POST", "/v1/cameras", { id: CAMERA_ID, name: "Lobby", source_url: cam.url });
  if (r.status !== 201) throw new Error(`camera registration failed: ${r.status} ${r.text}`);
  profileDir = mkdtempSync(`${tmpdir()}/camserver-chromium-`);
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: { width: 1280, height: 800 },
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on("console", (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
  page.on("pageerror", (e) => consoleLines.push(`pageerror: ${e.message}`));
  page.on("request", (req) => {
    const path = new URL(req.url()).pathname;
    if (path === "/v1/streams/start") streamStarts.push(req.url());
    if (path.includes("/whep")) whepRequests.push(`${req.method()} ${path}`);
    if (path.startsWith("/hls/")) hlsRequests.push(`${path}${new URL(req.url()).search}`);
    if (path === "/v1/cameras" && req.method() === "GET") listLoads++;
  });
}, 60_000);

afterAll(async () => {
  if (server && (server.proc.exitCode !== null || server.proc.signalCode !== null)) {
    console.error(`camserver exited during the tests (code ${server.proc.exitCode}, signal ${server.proc.signalCode}):\n${server.output().slice(-4000)}`);
  }
  await context?.close().catch(() => {});
  await server?.stop();
  await stopAll();
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
}, 30_000);

/** Established TCP connections to the test camera: camserver's source holds at most one (RTSP over TCP). */
function cameraConnections(): number {
  const r = Bun.spawnSync(["ss", "-Htn", "state", "established", `( dport = :${cam.port} )`]);
  return r.stdout
    .toString()
    .split("\n")
    .filter((l) => l.trim()).length;
}

/** True when camserver holds no session and runs no ffmpeg for the test camera. */
async function noCameraConnection(): Promise<boolean> {
  const streams = await server.call("GET", "/v1/streams");
  const camera = await server.call("GET", `/v1/cameras/${CAMERA_ID}`);
  return (
    streams.status === 200 &&
    Array.isArray(streams.json) &&
    streams.json.length === 0 &&
    Object.keys(camera.json?.consumers ?? {}).length === 0 &&
    cameraConnections() === 0
  );
}

/** Asserts that no camera connection appears during `ms` (polled, so a late start is caught). */
async function expectNoConnectionFor(ms: number): Promise<void> {
  const appeared = await eventually(async () => !(await noCameraConnection()), ms);
  expect(appeared).toBe(false);
  expect(streamStarts).toEqual([]);
  expect(whepRequests).toEqual([]);
}

/** The camera's consumers as camserver reports them, e.g. `{webrtc: 1}`. */
async function consumers(): Promise<Record<string, number>> {
  return (await server.call("GET", `/v1/cameras/${CAMERA_ID}`)).json?.consumers ?? {};
}

/** What the video element, the page's player and the browser say, for a failure message. */
async function videoDiagnostics(): Promise<string> {
  const state = await page.evaluate(() => {
    const v = document.getElementById("video") as HTMLVideoElement;
    const dbg = (window as any).__camserver ?? {};
    return {
      currentTime: v.currentTime,
      readyState: v.readyState,
      paused: v.paused,
      size: [v.videoWidth, v.videoHeight],
      error: v.error ? `${v.error.code} ${v.error.message}` : null,
      buffered: Array.from({ length: v.buffered.length }, (_, i) => [v.buffered.start(i), v.buffered.end(i)]),
      message: document.getElementById("viewer-msg")?.textContent,
      mode: dbg.mode,
      fallback: dbg.fallback,
      pc: dbg.pc ? { connection: dbg.pc.connectionState, ice: dbg.pc.iceConnectionState, signaling: dbg.pc.signalingState } : null,
      offer: dbg.pc?.localDescription?.sdp?.split("\r\n").filter((l: string) => /^a=(candidate|rtpmap)/.test(l)),
      answer: dbg.pc?.remoteDescription?.sdp?.split("\r\n").filter((l: string) => /^a=(candidate|fmtp)/.test(l)),
    };
  });
  return `${JSON.stringify(state)}\nrequests: ${whepRequests.join(", ")}\nconsole:\n${consoleLines.slice(-30).join("\n")}\nserver:\n${server.output().slice(-2000)}`;
}

async function openModal(): Promise<void> {
  await page.locator(`button[data-camera="${CAMERA_ID}"]`).click();
  expect(await page.locator("dialog#viewer").evaluate((d: HTMLDialogElement) => d.open)).toBe(true);
}

async function closeModal(): Promise<void> {
  await page.locator("#close").click();
  expect(await page.locator("dialog#viewer").evaluate((d: HTMLDialogElement) => d.open)).toBe(false);
}

/** Waits until the modal's mode label shows `label`; throws with diagnostics otherwise. */
async function waitForMode(label: "WebRTC" | "HLS", timeoutMs = PLAYBACK_TIMEOUT_MS): Promise<void> {
  const shown = await eventually(
    async () =>
      (await page
        .locator("#viewer-mode:visible")
        .textContent({ timeout: 100 })
        .catch(() => null)) === label,
    timeoutMs,
  );
  if (!shown) throw new Error(`the modal never showed mode ${label} within ${timeoutMs} ms: ${await videoDiagnostics()}`);
}

/** The page's WHEP POST -> first decoded frame, ms (instrumented in the page with performance.now()), and its steps for the log. */
async function whepTiming(): Promise<{ ms: number; detail: string }> {
  const t = await page.evaluate(() => {
    const d = (window as any).__camserver;
    return { opened: d.openedAt, post: d.whepPostAt, answer: d.answerAt, connected: d.connectedAt, frame: d.firstFrameAt, by: d.firstFrameBy as string };
  });
  const r = (x: number) => (x - t.post).toFixed(0);
  return {
    ms: t.frame - t.post,
    detail: `answer +${r(t.answer)} ms, connected +${r(t.connected)} ms, frame seen by ${t.by}; modal open -> POST ${(t.post - t.opened).toFixed(0)} ms (ICE gathering)`,
  };
}

/** inbound-rtp video stats of the page's peer connection. */
async function inboundVideo(): Promise<{
  framesDecoded: number;
  frameWidth: number;
  frameHeight: number;
  timestamp: number;
  packetsLost: number;
  jitterBufferDelay: number;
  jitterBufferEmittedCount: number;
}> {
  return page.evaluate(async () => {
    const stats: RTCStatsReport = await (window as any).__camserver.pc.getStats();
    let found: any;
    stats.forEach((s: any) => {
      if (s.type === "inbound-rtp" && s.kind === "video") found = s;
    });
    if (!found) throw new Error("no inbound-rtp video stats");
    const { framesDecoded, frameWidth, frameHeight, timestamp, packetsLost, jitterBufferDelay, jitterBufferEmittedCount } = found;
    return { framesDecoded, frameWidth, frameHeight, timestamp, packetsLost, jitterBufferDelay, jitterBufferEmittedCount };
  });
}

/** Asserts that the <video> plays HLS: currentTime advances by more than a second. */
async function expectHlsPlaying(): Promise<void> {
  const deadline = Date.now() + PLAYBACK_TIMEOUT_MS;
  const playing = async () =>
    page.evaluate(() => {
      const v = document.getElementById("video") as HTMLVideoElement;
      return v.readyState >= 2 && !v.paused && v.currentTime > 0 ? v.currentTime : null;
    });
  let first: number | null = null;
  const started = await eventually(async () => (first = await playing()) !== null, PLAYBACK_TIMEOUT_MS);
  if (!started) throw new Error(`video never started playing within ${PLAYBACK_TIMEOUT_MS} ms: ${await videoDiagnostics()}`);
  const advanced = await eventually(async () => ((await playing()) ?? 0) > first! + 1, Math.max(deadline - Date.now(), 3000));
  if (!advanced) throw new Error(`video.currentTime did not advance by 1 s from ${first}: ${await videoDiagnostics()}`);
}

/** After a modal closed: session(s) gone at once, camera connection gone after the grace period, camera idle. */
async function expectEverythingEnds(): Promise<void> {
  expect(await eventually(async () => (await server.call("GET", "/v1/streams")).json?.length === 0, 5000)).toBe(true);
  expect(await eventually(async () => !("webrtc" in (await consumers())), 5000)).toBe(true);
  // PIPELINE_GRACE_MS=2000 in the harness; allow for job hand-off and ffmpeg's own exit.
  expect(await eventually(() => cameraConnections() === 0, 10_000)).toBe(true);
  expect(await eventually(() => ffmpegPids(dataDir).length === 0, 5000)).toBe(true);
  expect(await eventually(async () => (await server.call("GET", `/v1/cameras/${CAMERA_ID}`)).json?.state === "idle", 5000)).toBe(true);
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

  it("plays WebRTC by default: label WebRTC, 1280x720 frames decoded at the camera's 30 fps", async () => {
    await openModal();
    await waitForMode("WebRTC");
    const cold = await whepTiming();
    console.log(`WHEP POST -> first decoded frame (camera idle before): ${cold.ms.toFixed(0)} ms (${cold.detail})`);
    const s0 = await inboundVideo();
    await Bun.sleep(3000);
    const s1 = await inboundVideo();
    const fps = (s1.framesDecoded - s0.framesDecoded) / ((s1.timestamp - s0.timestamp) / 1000);
    const jitterMs = ((s1.jitterBufferDelay - s0.jitterBufferDelay) / (s1.jitterBufferEmittedCount - s0.jitterBufferEmittedCount)) * 1000;
    console.log(
      `WebRTC decoded ${fps.toFixed(1)} fps over ${((s1.timestamp - s0.timestamp) / 1000).toFixed(2)} s, ${s1.frameWidth}x${s1.frameHeight}, packetsLost ${s1.packetsLost}, jitter buffer ${jitterMs.toFixed(0)} ms/frame`,
    );
    expect(fps).toBeGreaterThan(20);
    expect(fps).toBeLessThan(40);
    expect([s1.frameWidth, s1.frameHeight]).toEqual([1280, 720]);
    const video = await page.evaluate(() => {
      const v = document.getElementById("video") as HTMLVideoElement;
      return { size: [v.videoWidth, v.videoHeight], playing: v.readyState >= 2 && !v.paused, srcObject: v.srcObject !== null };
    });
    expect(video).toEqual({ size: [1280, 720], playing: true, srcObject: true });
    expect(await consumers()).toEqual({ webrtc: 1 });
    expect(cameraConnections()).toBe(1);
    expect(whepRequests).toEqual([`POST /v1/cameras/${CAMERA_ID}/whep`]);
    expect(streamStarts).toEqual([]);
    await page.screenshot({ path: SCREENSHOT_WEBRTC });
  });

  it(`WHEP POST -> first decoded frame on an already live camera is under ${LIVE_FIRST_FRAME_LIMIT_MS} ms`, async () => {
    // Another viewer (an HLS session held by the API client) keeps the pipeline live.
    const held = await server.call("POST", "/v1/streams/start", { camera_id: CAMERA_ID });
    expect(held.status).toBe(200);
    try {
      const times: number[] = [];
      for (let i = 0; i < 3; i++) {
        await closeModal();
        expect(await eventually(async () => !("webrtc" in (await consumers())), 5000)).toBe(true);
        await openModal();
        await waitForMode("WebRTC", 10_000);
        const { ms, detail } = await whepTiming();
        times.push(ms);
        console.log(`WHEP POST -> first decoded frame (camera live): ${ms.toFixed(0)} ms (${detail})`);
      }
      for (const ms of times) expect(ms).toBeLessThan(LIVE_FIRST_FRAME_LIMIT_MS);
      // Still one camera connection for the HLS session and every WebRTC viewer that came and went.
      expect(cameraConnections()).toBe(1);
    } finally {
      await server.call("POST", "/v1/streams/stop", { session_id: held.json?.session_id });
    }
  });

  it("closes the WebRTC modal: WHEP session deleted, no webrtc consumer, camera connection gone after the grace period", async () => {
    const location = await page.evaluate(() => new URL((window as any).__camserver.whepUrl).pathname);
    expect(location).toMatch(new RegExp(`^/v1/cameras/${CAMERA_ID}/whep/whep_`));
    expect((await consumers()).webrtc).toBe(1);
    whepRequests = [];
    const loadsBefore = listLoads;
    await closeModal();
    expect(await eventually(() => whepRequests.includes(`DELETE ${location}`), 3000)).toBe(true);
    expect(await page.evaluate(() => (window as any).__camserver.pc.connectionState)).toBe("closed");
    await expectEverythingEnds();
    // The list shows camserver's state again after the modal closed.
    expect(await eventually(() => listLoads > loadsBefore, 3000)).toBe(true);
  });

  it("plays HLS with #mode=hls: video.currentTime advances by more than a second, label HLS, low-latency (blocking reloads, parts)", async () => {
    await page.evaluate(() => (location.hash = "mode=hls"));
    streamStarts = [];
    whepRequests = [];
    hlsRequests = [];
    await openModal();
    await expectHlsPlaying();
    expect(hlsRequests.some((r) => /index\.m3u8\?_HLS_msn=\d+&_HLS_part=\d+$/.test(r))).toBe(true);
    expect(hlsRequests.some((r) => /_\d+\.\d+\.m4s$/.test(r))).toBe(true);
    await waitForMode("HLS", 1000);
    const streams = await server.call("GET", "/v1/streams");
    expect(streams.json).toHaveLength(1);
    expect(streams.json[0].camera_id).toBe(CAMERA_ID);
    expect(cameraConnections()).toBe(1);
    expect(streamStarts).toHaveLength(1);
    expect(whepRequests).toEqual([]);
    await page.screenshot({ path: SCREENSHOT_HLS });
  });

  it("closes the HLS modal: session gone at once, camera connection gone after the grace period", async () => {
    await closeModal();
    await expectEverythingEnds();
  });

  it("falls back to HLS when the WHEP POST fails (500): label HLS, video plays, the WebRTC peer is closed", async () => {
    await page.evaluate(() => history.replaceState(null, "", location.pathname));
    const fail = (route: Route) =>
      route.request().method() === "POST"
        ? route.fulfill({ status: 500, contentType: "application/json", body: '{"error":"injected by the test"}' })
        : route.continue();
    await page.route("**/v1/cameras/*/whep", fail);
    try {
      streamStarts = [];
      whepRequests = [];
      await openModal();
      await waitForMode("HLS");
      await expectHlsPlaying();
      expect(whepRequests).toEqual([`POST /v1/cameras/${CAMERA_ID}/whep`]);
      expect(streamStarts).toHaveLength(1);
      const dbg = await page.evaluate(() => ({ fallback: (window as any).__camserver.fallback, pc: (window as any).__camserver.pc.connectionState }));
      expect(dbg.fallback).toContain("WHEP 500");
      expect(dbg.pc).toBe("closed");
      expect(await page.locator("#viewer-mode").getAttribute("title")).toContain("WHEP 500");
      expect("webrtc" in (await consumers())).toBe(false);
      await closeModal();
      await expectEverythingEnds();
    } finally {
      await page.unroute("**/v1/cameras/*/whep", fail);
    }
  });

  // The real answer, altered: the peer connects but receives no video (a=inactive), or DTLS
  // can never verify the server's certificate (wrong fingerprint). The page got a WHEP session
  // in both cases, so it must DELETE it before falling back.
  const broken: [string, (sdp: string) => string, RegExp][] = [
    ["no decoded frame within 4 s", (sdp) => sdp.replace("a=sendonly", "a=inactive"), /no video within 4 s/],
    [
      "the connection failed",
      (sdp) => sdp.replace(/^(a=fingerprint:\S+ )(..)/m, (_, head: string, byte: string) => head + (byte === "00" ? "11" : "00")),
      /connection failed/,
    ],
  ];
  for (const [what, alter, reason] of broken) {
    it(`falls back to HLS when ${what}, and DELETEs the WHEP session it got`, async () => {
      let location = "";
      const altered = async (route: Route) => {
        if (route.request().method() !== "POST") return route.continue();
        const res = await route.fetch();
        location = res.headers()["location"] ?? "";
        await route.fulfill({ response: res, body: alter(await res.text()) });
      };
      await page.route("**/v1/cameras/*/whep", altered);
      try {
        streamStarts = [];
        whepRequests = [];
        await openModal();
        await waitForMode("HLS");
        expect(location).toMatch(new RegExp(`^/v1/cameras/${CAMERA_ID}/whep/whep_`));
        const dbg = await page.evaluate(() => ({
          fallback: (window as any).__camserver.fallback,
          fallbackAfter: performance.now() - (window as any).__camserver.answerAt,
        }));
        console.log(`fallback to HLS (${what}): "${dbg.fallback}"`);
        expect(dbg.fallback).toMatch(reason);
        expect(whepRequests).toContain(`DELETE ${location}`);
        expect(await eventually(async () => !("webrtc" in (await consumers())), 3000)).toBe(true);
        await expectHlsPlaying();
        await closeModal();
        await expectEverythingEnds();
      } finally {
        await page.unroute("**/v1/cameras/*/whep", altered);
      }
    });
  }

  it("closing the modal while the WHEP POST is in flight DELETEs the session when its answer arrives, and starts no HLS", async () => {
    let location = "";
    let answered!: () => void;
    const answerReady = new Promise<void>((r) => (answered = r));
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const held = async (route: Route) => {
      if (route.request().method() !== "POST") return route.continue();
      const res = await route.fetch();
      location = res.headers()["location"] ?? "";
      answered();
      await released;
      await route.fulfill({ response: res });
    };
    await page.route("**/v1/cameras/*/whep", held);
    try {
      streamStarts = [];
      whepRequests = [];
      await openModal();
      await answerReady;
      expect((await consumers()).webrtc).toBe(1);
      await closeModal();
      release();
      expect(await eventually(() => whepRequests.includes(`DELETE ${location}`), 3000)).toBe(true);
      expect(await eventually(async () => !("webrtc" in (await consumers())), 3000)).toBe(true);
      await Bun.sleep(500);
      expect(streamStarts).toEqual([]);
      expect(await page.evaluate(() => (document.getElementById("video") as HTMLVideoElement).srcObject)).toBeNull();
      await expectEverythingEnds();
    } finally {
      await page.unroute("**/v1/cameras/*/whep", held);
    }
  });

  it("leaving the page (pagehide) ends the WHEP session at once, not after the server's silence timeout", async () => {
    await openModal();
    await waitForMode("WebRTC");
    expect((await consumers()).webrtc).toBe(1);
    const left = Date.now();
    await page.goto("about:blank");
    expect(await eventually(async () => !("webrtc" in (await consumers())), 3000)).toBe(true);
    console.log(`pagehide -> WHEP session gone: ${Date.now() - left} ms`);
    await expectEverythingEnds();
    await page.goto(`${server.base}/`);
    await page.locator(`button[data-camera="${CAMERA_ID}"]`).waitFor({ state: "visible", timeout: 10_000 });
  });

  it("logs no page errors", () => {
    expect(consoleLines.filter((l) => l.startsWith("pageerror"))).toEqual([]);
  });
});
