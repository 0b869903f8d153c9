/**
 * HLS latency benchmark (not a bun test):
 * `bun test/bench/hls-latency.ts [--seconds N] [--starts M] [--stall-increase S]`.
 *
 * Against ONE real test RTSP camera (720p30, 1 s GOP, digest auth) registered in a camserver
 * `start` (external Redis):
 *  - start-up: `POST /v1/streams/start` with the camera idle -> the first playlist with a
 *    segment (the answer, then a GET of the playlist that must list an #EXTINF), `--starts`
 *    cold runs after one unrecorded warm-up, each also minus its key-frame wait (the camera
 *    logs its clip position when its pipeline starts; key frames sit on whole seconds);
 *  - latency in headless Chromium (Debian's /usr/bin/chromium via playwright-core) playing the
 *    camera's session (already live) with hls.js configured as we recommend for the page
 *    (catch-up at up to 1.5x speed; each stall adds `--stall-increase` s, default 0.2, to the
 *    target latency instead of hls.js's default 1 s), once in regular mode (`lowLatencyMode: false`: whole
 *    segments, HOLD-BACK) and once in low-latency mode (parts, blocking reloads,
 *    PART-HOLD-BACK): every 250 ms for `--seconds` after 5 s of warm-up, `Date.now() - hls.playingDate` (the
 *    playing position's EXT-X-PROGRAM-DATE-TIME, i.e. the wall clock when that picture reached
 *    camserver's HLS output) and hls.js's own `latency` (live edge - position). Camera to
 *    camserver transport is not in it (a local RTSP camera adds a few ms), so this is
 *    "glass-to-glass-style": camserver + Redis + API + player buffer.
 * Targets: LL-HLS under 1.5 s, regular HLS under 4 s. Prints a table and a final JSON line.
 *
 * Everything it starts is stopped in `finally` (and on SIGINT/SIGTERM).
 */
import { chromium, type Browser, type Page } from "playwright-core";
import { cleanup, intArg, log, now, runBench, atCleanup, leftovers } from "./kit/bench.ts";
import { CAMERA_ID, startColdCamera, type ColdCamera } from "./kit/cold-camera.ts";
import { dist, r3, row, stats, type Dist } from "./kit/stats.ts";
import { CHROMIUM, CHROMIUM_ARGS } from "../support/chromium.ts";

const SECONDS = intArg("--seconds", 20);
const STARTS = intArg("--starts", 5);
const WARMUP_MS = 5000;
/** `--stall-increase S`: seconds hls.js adds to its target latency per stall (its default is 1). */
const STALL_INCREASE = ((i) => (i < 0 ? 0.2 : Number(process.argv[i + 1])))(process.argv.indexOf("--stall-increase"));
if (!(STALL_INCREASE >= 0 && STALL_INCREASE <= 10)) throw new Error("--stall-increase needs seconds, 0..10");
/** The hls.js settings we recommend for the page, besides `lowLatencyMode`. */
const PAGE_CONFIG = { maxLiveSyncPlaybackRate: 1.5, liveSyncOnStallIncrease: STALL_INCREASE, backBufferLength: 10 };
const SAMPLE_MS = 250;

type Mode = "regular" | "low-latency";

/** One mode's result: latencies (ms) and what the player did. */
interface ModeResult {
  pdt: Dist;
  hlsjs: Dist;
  /** POST /v1/streams/start -> video.currentTime > 0, ms (camera already live). */
  firstFrameMs: number;
  /** Times the video stalled (`waiting` events) while sampled, and since the player started. */
  stalls: number;
  stallsSinceStart: number;
  /** hls.js's target latency at the end, ms: PART-HOLD-BACK or HOLD-BACK, plus 1 s per stall (its liveSyncOnStallIncrease) up to a target duration. */
  targetLatencyMs: number;
  /** Playlist requests with _HLS_msn (blocking reloads) and part requests while sampled. */
  blockingReloads: number;
  partRequests: number;
}

/** Cold start -> first playlist with a segment, s. */
async function coldStart(camera: ColdCamera): Promise<{ s: number; wait: number }> {
  await camera.settle();
  const logFrom = camera.cam.output().length;
  const t0 = now();
  const r = await camera.server.call("POST", "/v1/streams/start", { camera_id: CAMERA_ID });
  if (r.status !== 200) throw new Error(`stream start: ${r.status} ${r.text}`);
  const text = await (await fetch(`${camera.server.base}${r.json.hls_url}`)).text();
  const s = (now() - t0) / 1000;
  if (!text.includes("#EXTINF")) throw new Error(`the first playlist has no segment:\n${text}`);
  await camera.server.call("POST", "/v1/streams/stop", { session_id: r.json.session_id });
  return { s, wait: camera.keyframeWait(logFrom) };
}

/** Plays the camera's live session `hlsUrl` with hls.js in `mode` and samples its latency. */
async function playMode(page: Page, hlsUrl: string, mode: Mode): Promise<ModeResult> {
  const requests: string[] = [];
  const onRequest = (req: { url(): string }) => requests.push(req.url());
  page.on("request", onRequest);
  const t0 = now();
  try {
    await page.evaluate(
      ({ url, config }) => {
        const w = window as any;
        const video = document.createElement("video");
        video.muted = true;
        video.autoplay = true;
        document.body.append(video);
        const hls = new w.Hls(config);
        hls.loadSource(url);
        hls.attachMedia(video);
        w.bench = { hls, video, stalls: 0 };
        video.addEventListener("waiting", () => w.bench.stalls++);
        void video.play().catch(() => {});
      },
      { url: hlsUrl, config: { ...PAGE_CONFIG, lowLatencyMode: mode === "low-latency" } },
    );
    await page.waitForFunction(() => (window as any).bench.video.currentTime > 0, undefined, { timeout: 30_000, polling: 20 });
    const firstFrameMs = now() - t0;
    await Bun.sleep(WARMUP_MS);
    const stallsBefore = await page.evaluate(() => (window as any).bench.stalls as number);
    const reqFrom = requests.length;
    const pdt: number[] = [];
    const hlsjs: number[] = [];
    const end = now() + SECONDS * 1000;
    while (now() < end) {
      const s = await page.evaluate(() => {
        const { hls } = (window as any).bench;
        const date: Date | null = hls.playingDate;
        return { pdt: date ? Date.now() - date.getTime() : null, latency: hls.latency as number };
      });
      if (s.pdt !== null && Number.isFinite(s.pdt)) pdt.push(s.pdt);
      if (Number.isFinite(s.latency)) hlsjs.push(s.latency * 1000);
      await Bun.sleep(SAMPLE_MS);
    }
    const sampled = requests.slice(reqFrom);
    const end2 = await page.evaluate(() => ({ stalls: (window as any).bench.stalls as number, target: (window as any).bench.hls.targetLatency as number }));
    return {
      pdt: dist(pdt),
      hlsjs: dist(hlsjs),
      firstFrameMs: Math.round(firstFrameMs),
      stalls: end2.stalls - stallsBefore,
      stallsSinceStart: end2.stalls,
      targetLatencyMs: Math.round(end2.target * 1000),
      blockingReloads: sampled.filter((u) => u.includes("_HLS_msn=")).length,
      partRequests: sampled.filter((u) => /_\d+\.\d+\.m4s$/.test(u)).length,
    };
  } finally {
    page.off("request", onRequest);
    await page.evaluate(() => {
      const b = (window as any).bench;
      b?.hls.destroy();
      b?.video.remove();
    });
  }
}

async function main(): Promise<void> {
  const camera = await startColdCamera({
    dirName: "bench-hls-latency",
    prefixName: "hlslat",
    graceMs: 1000,
    idleWaitsForMuxer: false,
    note: `${SECONDS} s per mode, ${STARTS} cold starts, hls.js ${JSON.stringify(PAGE_CONFIG)}`,
  });

  await coldStart(camera);
  const starts: { s: number; wait: number }[] = [];
  for (let i = 0; i < STARTS; i++) {
    const run = await coldStart(camera);
    starts.push(run);
    log(`cold start ${i + 1}/${STARTS}: ${run.s.toFixed(3)} s (key frame after ${run.wait.toFixed(3)} s)`);
  }
  const start = stats(starts.map((x) => x.s));
  const startMinusWait = stats(starts.map((x) => x.s - x.wait).filter((x) => Number.isFinite(x)));

  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  atCleanup(() => browser.close().catch(() => {}));
  const page = await browser.newPage();
  await page.goto(`${camera.server.base}/health`);
  await page.addScriptTag({ url: `${camera.server.base}/assets/hls.min.js` });
  // One session for both modes (viewers of a camera share it), the camera live throughout.
  const r = await camera.server.call("POST", "/v1/streams/start", { camera_id: CAMERA_ID });
  if (r.status !== 200) throw new Error(`stream start: ${r.status} ${r.text}`);
  const results = {} as Record<Mode, ModeResult>;
  for (const mode of ["regular", "low-latency"] as const) {
    results[mode] = await playMode(page, r.json.hls_url, mode);
    const m = results[mode];
    log(
      `${mode}: PDT latency p50 ${m.pdt.p50} ms (p95 ${m.pdt.p95}), hls.js latency p50 ${m.hlsjs.p50} ms (its target ${m.targetLatencyMs} ms), first frame ${m.firstFrameMs} ms, ${m.stalls} stalls (${m.stallsSinceStart} since start)`,
    );
  }
  await browser.close();
  await camera.server.call("POST", "/v1/streams/stop", { session_id: r.json.session_id });

  const w = [34, 12, 12, 12, 12, 10];
  console.log(row(["", "p50 ms", "p95 ms", "min ms", "max ms", "target"], w));
  for (const mode of ["low-latency", "regular"] as const) {
    const m = results[mode];
    const target = mode === "low-latency" ? "< 1500" : "< 4000";
    console.log(row([`${mode}: now - playingDate (PDT)`, m.pdt.p50, m.pdt.p95, m.pdt.min, m.pdt.max, target], w));
    console.log(row([`${mode}: hls.js latency`, m.hlsjs.p50, m.hlsjs.p95, m.hlsjs.min, m.hlsjs.max, ""], w));
    console.log(
      `  ${mode}: first frame ${m.firstFrameMs} ms after the start request (camera live), hls.js target latency ${m.targetLatencyMs} ms, ${m.stalls} stalls sampled (${m.stallsSinceStart} since start), ${m.blockingReloads} blocking reloads and ${m.partRequests} part requests in ${SECONDS} s`,
    );
  }
  console.log(
    `cold start -> first playlist with a segment: median ${start.median} s (${start.min}-${start.max}); minus the key-frame wait: median ${startMinusWait.median} s`,
  );
  const left = leftovers();
  await cleanup();
  if (left.length) log(`processes still running at the end (stopped by clean-up): ${left.join("; ")}`);
  console.log(
    JSON.stringify({
      seconds: SECONDS,
      hlsjs: PAGE_CONFIG,
      lowLatency: results["low-latency"],
      regular: results.regular,
      coldStartS: start,
      coldStartMinusKeyframeWaitS: startMinusWait,
      lowLatencyUnderTarget: results["low-latency"].pdt.p50 < 1500,
      regularUnderTarget: results.regular.pdt.p50 < 4000,
      ratio: r3(results["low-latency"].pdt.p50 / results.regular.pdt.p50),
    }),
  );
}

await runBench(main);
