/**
 * Playback by time in a real browser: two recordings of the test camera made one after the
 * other, then `GET /v1/cameras/:id/playback` over both in a plain `<video>` of headless
 * Debian Chromium (playwright-core). The joined MP4 must play from start to end without
 * stalling at the recording boundary (no `waiting` near it; on this shared 2-core machine
 * the software decoder may wait elsewhere when other processes take the CPU, so only the
 * boundary is judged), with the duration of both recordings and every frame presented.
 */
import { afterAll, beforeAll, expect, it } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { chromium, type BrowserContext } from "playwright-core";
import { stopAll } from "../support/background.ts";
import { eventually, startCamserver, tempDir, testPrefix, TEST_REDIS_URL, TEST_TOKEN, type CamserverProcess } from "../support/camserver.ts";
import { startRtspCamera } from "../support/testbed.ts";
import { CHROMIUM, CHROMIUM_ARGS } from "../support/chromium.ts";

const BROWSER_ARGS = [...CHROMIUM_ARGS, "--autoplay-policy=no-user-gesture-required"];

let server: CamserverProcess;
let context: BrowserContext | undefined;
let profileDir = "";

beforeAll(async () => {
  const cam = await startRtspCamera();
  server = await startCamserver("start", { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: testPrefix("recplay"), DATA_DIR: tempDir("recplay") });
  expect((await server.call("POST", "/v1/cameras", { id: "porch", name: "Porch", source_url: cam.url, record: { segment_s: 2 } })).status).toBe(201);
  profileDir = mkdtempSync(`${tmpdir()}/camserver-chromium-`);
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    args: BROWSER_ARGS,
    headless: true,
    extraHTTPHeaders: { authorization: `Bearer ${TEST_TOKEN}` },
  });
}, 60_000);

afterAll(async () => {
  await context?.close().catch(() => {});
  await server?.stop();
  await stopAll();
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
}, 30_000);

async function record(seconds: number): Promise<any> {
  const r = await server.call("POST", "/v1/recordings", { camera_id: "porch", max_duration_s: seconds });
  expect(r.status).toBe(201);
  let rec: any;
  await eventually(async () => (rec = (await server.call("GET", `/v1/recordings/${r.json.id}`)).json).state !== "recording", 20_000);
  expect(rec.state).toBe("done");
  return rec;
}

it("plays two recordings joined by playback without a stall at the boundary", async () => {
  const a = await record(4);
  await Bun.sleep(1500); // a gap between the recordings, which playback collapses
  const b = await record(4);
  const start = new Date(Date.parse(a.started_at) - 200).toISOString();
  const span = (Date.parse(b.ended_at) - Date.parse(start)) / 1000 + 0.5;
  const url = `/v1/cameras/porch/playback?start=${encodeURIComponent(start)}&duration_s=${span.toFixed(3)}`;
  const head = await fetch(`${server.base}${url}`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
  expect(head.status).toBe(200);
  const mediaSeconds = Number(head.headers.get("x-playback-duration-ms")) / 1000;
  await head.arrayBuffer();
  expect(mediaSeconds).toBeGreaterThanOrEqual((a.duration_ms + b.duration_ms) / 1000 - 0.01);

  const page = context!.pages()[0] ?? (await context!.newPage());
  await page.goto(`${server.base}/health`);
  const result = await page.evaluate(async (src) => {
    const v = document.createElement("video");
    v.muted = true;
    document.body.append(v);
    const events: string[] = [];
    let playing = false;
    const stallsAt: number[] = [];
    for (const e of ["playing", "waiting", "stalled", "ended", "error"]) {
      v.addEventListener(e, () => {
        events.push(`${e}@${v.currentTime.toFixed(2)}`);
        if (e === "playing") playing = true;
        if (e === "waiting" && playing) stallsAt.push(v.currentTime);
      });
    }
    v.src = src;
    await v.play();
    await new Promise<void>((resolve) => {
      v.addEventListener("ended", () => resolve());
      v.addEventListener("error", () => resolve());
      setTimeout(resolve, 30_000);
    });
    const q = v.getVideoPlaybackQuality();
    return {
      ended: v.ended,
      duration: v.duration,
      currentTime: v.currentTime,
      frames: q.totalVideoFrames,
      dropped: q.droppedVideoFrames,
      stallsAt,
      events,
      error: v.error?.message ?? null,
    };
  }, url);
  console.log(`playback in Chromium: ${JSON.stringify(result)}`);
  expect(result.error).toBeNull();
  expect(result.ended).toBe(true);
  expect(Math.abs(result.duration - mediaSeconds)).toBeLessThan(0.1);
  const boundary = a.duration_ms / 1000;
  expect(result.stallsAt.filter((t: number) => Math.abs(t - boundary) < 0.25)).toEqual([]);
  expect(result.frames).toBeGreaterThanOrEqual(Math.floor(mediaSeconds * 30 * 0.95));
}, 90_000);
