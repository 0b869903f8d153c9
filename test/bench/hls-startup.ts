/**
 * HLS start-up benchmark (not a bun test): `bun test/bench/hls-startup.ts [--runs N] [--starts M]`.
 *
 * Against ONE real test-bed RTSP camera (720p30, 1 s GOP, digest auth), interleaved:
 *  - raw ffmpeg (the testbed README's HLS command): spawn -> first `index.m3u8` with an `#EXTINF`;
 *  - camserver `start`: `POST /v1/streams/start` -> its answer, cold (the camera's pipeline idle
 *    before every run: session stopped, no ffmpeg of the camera left, state `idle`).
 * Before each run: the camera left alone for 1.5 s (it tears its pipeline down, as in
 * measure-baselines) plus a random 0-1 s, so every run joins the 1 s GOP at a random phase.
 * Each run's key-frame wait (the camera logs its clip position when a client starts its pipeline;
 * key frames sit on whole seconds) is subtracted in a second, phase-free comparison: with 7 runs
 * the GOP phase alone moves a median by about +-0.15 s, more than the 10 % target.
 * `--breakdown` adds milestones of the camserver runs (source and segmenter ffmpeg spawned, first
 * segment complete on disk), found by polling /proc and the scratch dir every 5 ms.
 * Then `start`'s cold start to the first answered `GET /health` (polled every 5 ms) with an
 * external Redis and with its private redis-server, and the idle RSS of `start` 3 s after spawn
 * with one registered camera. Prints a table and a final JSON line.
 *
 * Everything it starts is stopped in `finally` (and on SIGINT/SIGTERM).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, type Dirent } from "node:fs";
import { tmpdir } from "node:os";
import Redis from "ioredis";
import type { Subprocess } from "bun";
import { startBackground, stopAll } from "../support/background.ts";
import { ROOT, TEST_REDIS_URL, TEST_TOKEN, ffmpegPids, startCamserver, tempDir, testPrefix, type CamserverProcess } from "../support/camserver.ts";
import { freePort } from "../support/ports.ts";
import { startRtspCamera, type TestbedServer } from "../support/testbed.ts";

// ---------------------------------------------------------------- options

function intArg(name: string, def: number): number {
  const i = process.argv.indexOf(name);
  if (i < 0) return def;
  const n = Number(process.argv[i + 1]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} needs a whole number >= 1`);
  return n;
}
const RUNS = intArg("--runs", 7);
/** `--breakdown`: also watch /proc and camserver's scratch dir every 5 ms during camserver runs (adds a little load). */
const BREAKDOWN = process.argv.includes("--breakdown");
const STARTS = intArg("--starts", 5);
const CAMERA_ID = "benchcam";
/** Camera left alone before a run so it tears its shared pipeline down (measure-baselines: 1.5 s). */
const CAMERA_SETTLE_MS = 1500;

// ---------------------------------------------------------------- helpers

const log = (msg: string) => console.error(`[bench ${new Date().toISOString().slice(11, 23)}] ${msg}`);
const now = () => performance.now();

interface Stats {
  median: number;
  min: number;
  max: number;
  runs: number[];
}
function stats(xs: number[], digits = 3): Stats {
  const r = (x: number) => Number(x.toFixed(digits));
  if (xs.length === 0) return { median: NaN, min: NaN, max: NaN, runs: [] };
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { median: r(median), min: r(s[0]!), max: r(s[s.length - 1]!), runs: xs.map(r) };
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 20): Promise<number> {
  const t0 = now();
  for (;;) {
    if (await check()) return now() - t0;
    if (now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await Bun.sleep(everyMs);
  }
}

/** Raw ffmpeg processes this bench started, for the cleanup. */
const rawProcs = new Set<Subprocess>();
/** Temporary directories this bench made. */
const dirs: string[] = [];
/** Redis prefixes this bench used (keys deleted at the end). */
const prefixes: string[] = [];
/** Pids of every process this bench started directly (for the leftover check). */
const startedPids: number[] = [];

async function stopProc(p: Subprocess, graceMs = 3000): Promise<void> {
  if (p.exitCode === null && p.signalCode === null) {
    p.kill("SIGTERM");
    const t = setTimeout(() => p.kill("SIGKILL"), graceMs);
    await p.exited;
    clearTimeout(t);
  } else await p.exited;
  rawProcs.delete(p);
}

function vmRssMb(pid: number): number {
  const m = readFileSync(`/proc/${pid}/status`, "utf8").match(/^VmRSS:\s+(\d+)\s+kB/m);
  if (!m) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]) / 1024;
}

// ---------------------------------------------------------------- measurements

/** Raw ffmpeg, testbed README command: spawn -> index.m3u8 holding an #EXTINF (polled every 2 ms). */
async function rawRun(url: string): Promise<number> {
  const out = mkdtempSync(`${tmpdir()}/bench-raw-`);
  dirs.push(out);
  const pl = `${out}/index.m3u8`;
  const cmd = ["ffmpeg", "-nostdin", "-loglevel", "error", "-rtsp_transport", "tcp", "-i", url, "-c:v", "copy", "-an", "-f", "hls", "-hls_time", "1", "-hls_list_size", "3", "-hls_flags", "delete_segments+omit_endlist", pl];
  const t0 = now();
  const p = Bun.spawn(cmd, { stdin: "ignore", stdout: "ignore", stderr: "pipe" });
  rawProcs.add(p);
  startedPids.push(p.pid);
  const errText = new Response(p.stderr).text();
  try {
    for (;;) {
      let text = "";
      try {
        text = readFileSync(pl, "utf8");
      } catch {
        // not written yet
      }
      if (text.includes("#EXTINF")) return (now() - t0) / 1000;
      if (p.exitCode !== null || p.signalCode !== null) throw new Error(`raw ffmpeg exited early (${p.exitCode ?? p.signalCode}): ${await errText}`);
      if (now() - t0 > 20_000) throw new Error("raw ffmpeg: no playlist with a segment within 20 s");
      await Bun.sleep(2);
    }
  } finally {
    await stopProc(p);
    rmSync(out, { recursive: true, force: true });
  }
}

/** No ffmpeg of the camera (source: the camera's port; HLS muxer: camserver's data dir) and state idle. */
async function waitCameraIdle(server: CamserverProcess, camPort: number, dataDir: string, timeoutMs = 20_000): Promise<number> {
  return until(
    "camera idle",
    async () => ffmpegPids(`127.0.0.1:${camPort}/`).length === 0 && ffmpegPids(dataDir).length === 0 && (await server.call("GET", `/v1/cameras/${CAMERA_ID}`)).json?.state === "idle",
    timeoutMs,
    50,
  );
}

/** Probe-related flags of the camera's source ffmpeg (what the code on disk used in this run). */
function sourceProbeFlags(camPort: number): string {
  const pid = ffmpegPids(`127.0.0.1:${camPort}/`)[0];
  if (pid === undefined) return "source ffmpeg not found";
  let args: string[];
  try {
    args = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
  } catch {
    return "source ffmpeg gone";
  }
  const flags: string[] = [];
  for (const f of ["-fflags", "-analyzeduration", "-probesize"]) {
    const i = args.indexOf(f);
    flags.push(i < 0 ? `${f} (default)` : `${f} ${args[i + 1]}`);
  }
  return flags.join(" ");
}

/** Milestones of one camserver start, ms after the POST (`--breakdown`). */
interface Milestones {
  sourceSpawn?: number;
  muxerSpawn?: number;
  localPlaylist?: number;
}

/**
 * Whether the HLS muxer under `dir` has completed a segment: an `index.m3u8` with an `#EXTINF`
 * (ffmpeg's hls muxer) or a non-empty `segments.csv` (ffmpeg's segment muxer, camserver
 * writing the playlist itself). The bench's camserver serves one camera only.
 */
function firstSegmentWritten(dir: string, depth: number, sinceMs: number): boolean {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  for (const e of entries) {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory()) {
      if (depth > 0 && firstSegmentWritten(path, depth - 1, sinceMs)) return true;
    } else if (e.name === "index.m3u8" || e.name === "segments.csv") {
      let text = "";
      try {
        if (statSync(path).mtimeMs < sinceMs) continue; // left by an earlier run
        text = readFileSync(path, "utf8");
      } catch {
        continue;
      }
      if (e.name === "segments.csv" ? text.trim().length > 0 : text.includes("#EXTINF")) return true;
    }
  }
  return false;
}

/** Watches /proc for the camera's new ffmpeg processes and the scratch dir for a playlist with a segment. */
function watchMilestones(t0: number, camPort: number, dataDir: string): { stop(): Milestones } {
  const m: Milestones = {};
  const seen = new Set(readdirSync("/proc").filter((d) => /^\d+$/.test(d)));
  let running = true;
  const scratch = `${dataDir}/hls-scratch`;
  const since = Date.now() - 5;
  const loop = (async () => {
    while (running) {
      if (m.sourceSpawn === undefined || m.muxerSpawn === undefined) {
        for (const d of readdirSync("/proc")) {
          if (seen.has(d) || !/^\d+$/.test(d)) continue;
          let cmd = "";
          try {
            cmd = readFileSync(`/proc/${d}/cmdline`, "utf8");
          } catch {
            continue;
          }
          if (!cmd.startsWith("ffmpeg\0")) continue; // setpriv/setsid not exec'd yet: look again
          seen.add(d);
          if (cmd.includes(`127.0.0.1:${camPort}/`)) m.sourceSpawn ??= now() - t0;
          else if (cmd.includes(dataDir)) m.muxerSpawn ??= now() - t0;
        }
      }
      if (m.localPlaylist === undefined && firstSegmentWritten(scratch, 4, since)) m.localPlaylist = now() - t0;
      await Bun.sleep(5);
    }
  })();
  return {
    stop() {
      running = false;
      void loop;
      return m;
    },
  };
}

/** camserver: POST /v1/streams/start -> answer; then stop and wait until the camera is idle again. */
async function camserverRun(server: CamserverProcess, camPort: number, dataDir: string): Promise<{ startS: number; stopToIdleS: number; segments: number; probe: string; milestones?: Milestones }> {
  const t0 = now();
  const watcher = BREAKDOWN ? watchMilestones(t0, camPort, dataDir) : undefined;
  const r = await server.call("POST", "/v1/streams/start", { camera_id: CAMERA_ID });
  const startS = (now() - t0) / 1000;
  const milestones = watcher?.stop();
  if (r.status !== 200) throw new Error(`POST /v1/streams/start: ${r.status} ${r.text}`);
  const probe = sourceProbeFlags(camPort);
  const pl = await fetch(`${server.base}${r.json.hls_url}`).then((x) => x.text());
  const segments = pl.split("\n").filter((l) => l.startsWith("#EXTINF")).length;
  if (segments < 1) throw new Error(`answered, but the playlist has no segment: ${pl}`);
  const s = await server.call("POST", "/v1/streams/stop", { session_id: r.json.session_id });
  if (s.status !== 200) throw new Error(`POST /v1/streams/stop: ${s.status} ${s.text}`);
  const t1 = now();
  await waitCameraIdle(server, camPort, dataDir);
  return { startS, stopToIdleS: (now() - t1) / 1000, segments, probe, milestones };
}

/** Spawns `bun infra/entry/start.ts` and times spawn -> first answered GET /health (5 ms polls). */
async function coldStart(externalRedis: boolean, rssCameraUrl?: string): Promise<{ ms: number; health: number; rssMb?: number }> {
  const port = freePort();
  const dataDir = tempDir("bench-cold");
  dirs.push(dataDir);
  const prefix = testPrefix("benchcold");
  prefixes.push(prefix);
  const env: Record<string, string> = {
    PORT: String(port),
    API_TOKEN: TEST_TOKEN,
    DATA_DIR: dataDir,
    REDIS_PREFIX: prefix,
    LOG_LEVEL: "info",
    // "" = unset for camserver's config: it launches its private redis-server.
    REDIS_URL: externalRedis ? TEST_REDIS_URL : "",
  };
  const t0 = now();
  const bg = startBackground(["bun", `${ROOT}/infra/entry/start.ts`], env);
  startedPids.push(bg.pid);
  try {
    let health = 0;
    for (;;) {
      health = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.status, () => 0);
      if (health) break;
      if (bg.proc.exitCode !== null) throw new Error(`start exited: ${bg.output().slice(-1500)}`);
      if (now() - t0 > 15_000) throw new Error(`start: no /health answer within 15 s: ${bg.output().slice(-1500)}`);
      await Bun.sleep(5);
    }
    const ms = now() - t0;
    let rssMb: number | undefined;
    if (rssCameraUrl) {
      await bg.waitFor(/worker ready/, 10_000);
      const r = await fetch(`http://127.0.0.1:${port}/v1/cameras`, {
        method: "POST",
        headers: { authorization: `Bearer ${TEST_TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ id: CAMERA_ID, name: "Bench", source_url: rssCameraUrl }),
      });
      if (r.status !== 201) throw new Error(`register camera: ${r.status} ${await r.text()}`);
      const wait = 3000 - (now() - t0);
      if (wait > 0) await Bun.sleep(wait);
      if (bg.proc.exitCode !== null || bg.proc.signalCode !== null) throw new Error(`start exited (${bg.proc.exitCode ?? bg.proc.signalCode}) before the RSS reading: ${bg.output().slice(-1500)}`);
      rssMb = vmRssMb(bg.pid);
    }
    return { ms, health, rssMb };
  } finally {
    await bg.stop(5000);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- main

let cleanedUp = false;
async function cleanup(): Promise<void> {
  if (cleanedUp) return;
  cleanedUp = true;
  await Promise.all([...rawProcs].map((p) => stopProc(p)));
  await stopAll();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  if (prefixes.length) {
    const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    redis.on("error", () => {});
    try {
      await redis.connect();
      for (const p of prefixes) {
        let cursor = "0";
        do {
          const [next, keys] = await redis.scan(cursor, "MATCH", `${p}:*`, "COUNT", 500);
          cursor = next;
          if (keys.length) await redis.del(...keys);
        } while (cursor !== "0");
      }
    } catch (err) {
      log(`could not delete bench keys from Redis: ${(err as Error).message}`);
    } finally {
      redis.disconnect();
    }
  }
}
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => {
    log(`${sig}: stopping everything`);
    void cleanup().finally(() => process.exit(130));
  });
}

function row(cells: (string | number)[], widths: number[]): string {
  return cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]!) : String(c).padStart(widths[i]!))).join("  ");
}

async function main(): Promise<void> {
  const ffmpegVersion = Bun.spawnSync(["ffmpeg", "-version"]).stdout.toString().split("\n")[0] ?? "";
  let cam: TestbedServer | undefined;
  let server: CamserverProcess | undefined;
  const raw: number[] = [];
  const cs: number[] = [];
  /** Per run: stream time from the join to the camera's next key frame (s). */
  const rawWait: number[] = [];
  const csWait: number[] = [];
  const stopToIdle: number[] = [];
  /** Distinct probe flags of the source ffmpeg seen in camserver runs. */
  const probes = new Set<string>();
  const miles: (Required<Milestones> & { answer: number })[] = [];
  const warmup: { raw?: number; camserver?: number } = {};
  let coldPipelines = 0;
  let measuredRuns = 0;
  let rssAfterRunsMb: number | undefined;
  const coldExt: number[] = [];
  const coldPriv: number[] = [];
  const rss: number[] = [];
  try {
    cam = await startRtspCamera({ user: "admin", pass: "secret" });
    startedPids.push(cam.pid);
    const camPort = cam.port;
    const dataDir = tempDir("bench");
    dirs.push(dataDir);
    const prefix = testPrefix("bench");
    prefixes.push(prefix);
    server = await startCamserver("start", { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, DATA_DIR: dataDir, PIPELINE_GRACE_MS: "500" });
    startedPids.push(server.pid);
    const reg = await server.call("POST", "/v1/cameras", { id: CAMERA_ID, name: "Bench camera", source_url: cam.url });
    if (reg.status !== 201) throw new Error(`register camera: ${reg.status} ${reg.text}`);
    log(`camera ${cam.url.replace(/\/\/[^@]*@/, "//")} (pid ${cam.pid}), camserver ${server.base} (pid ${server.pid}), ${RUNS} runs`);

    const newPipelines = () => (cam!.output().match(/new pipeline/g) ?? []).length;
    /** Camera untouched for CAMERA_SETTLE_MS, then a random 0-1 s (random GOP phase). */
    const pause = async () => {
      await waitCameraIdle(server!, camPort, dataDir);
      await Bun.sleep(CAMERA_SETTLE_MS + Math.random() * 1000);
    };
    /**
     * The camera logs `new pipeline, clip position P s` when a client makes it start its shared
     * pipeline; the clip has a key frame at every whole second, so that run's first key frame
     * came 1 - frac(P) s of stream after the join (NaN: the run reused a running pipeline).
     */
    const keyframeWait = (fromChar: number): number => {
      const m = cam!.output().slice(fromChar).match(/new pipeline, clip position ([\d.]+)s/);
      if (!m) return NaN;
      const frac = Number(m[1]) % 1;
      return frac < 0.0005 ? 0 : 1 - frac;
    };
    const one = async (kind: "raw" | "camserver"): Promise<{ s: number; wait: number }> => {
      await pause();
      const before = newPipelines();
      const logFrom = cam!.output().length;
      let v: number;
      if (kind === "raw") v = await rawRun(cam!.url);
      else {
        const r = await camserverRun(server!, camPort, dataDir);
        v = r.startS;
        stopToIdle.push(r.stopToIdleS);
        probes.add(r.probe);
        const m = r.milestones;
        if (m?.sourceSpawn !== undefined && m.muxerSpawn !== undefined && m.localPlaylist !== undefined) miles.push({ sourceSpawn: m.sourceSpawn, muxerSpawn: m.muxerSpawn, localPlaylist: m.localPlaylist, answer: r.startS * 1000 });
      }
      if (newPipelines() > before) coldPipelines++;
      return { s: v, wait: keyframeWait(logFrom) };
    };

    // One unrecorded pair first: Bun JIT, BullMQ queue scripts, page cache of ffmpeg.
    warmup.raw = (await one("raw")).s;
    warmup.camserver = (await one("camserver")).s;
    stopToIdle.length = 0;
    miles.length = 0;
    coldPipelines = 0;
    log(`warm-up (not counted): raw ${warmup.raw.toFixed(3)} s, camserver ${warmup.camserver.toFixed(3)} s`);

    for (let i = 0; i < RUNS; i++) {
      const order: ("raw" | "camserver")[] = i % 2 === 0 ? ["raw", "camserver"] : ["camserver", "raw"];
      const got: Record<string, { s: number; wait: number }> = {};
      for (const k of order) {
        got[k] = await one(k);
        measuredRuns++;
      }
      raw.push(got.raw!.s);
      cs.push(got.camserver!.s);
      rawWait.push(got.raw!.wait);
      csWait.push(got.camserver!.wait);
      log(`run ${i + 1}/${RUNS} (${order.join(" first, ")} second): raw ${got.raw!.s.toFixed(3)} s (key frame after ${got.raw!.wait.toFixed(3)}), camserver ${got.camserver!.s.toFixed(3)} s (key frame after ${got.camserver!.wait.toFixed(3)})`);
    }
    await Bun.sleep(3000);
    rssAfterRunsMb = vmRssMb(server.pid);
    await server.stop();
    server = undefined;

    // Cold starts of `start`: external Redis (with the idle RSS measurement), then private redis-server.
    for (let i = 0; i < STARTS; i++) {
      const r = await coldStart(true, cam.url);
      if (r.health !== 200) log(`note: /health answered ${r.health}`);
      coldExt.push(r.ms);
      rss.push(r.rssMb!);
      log(`cold start ${i + 1}/${STARTS} (REDIS_URL set): ${r.ms.toFixed(0)} ms to /health ${r.health}; idle RSS at 3 s ${r.rssMb!.toFixed(1)} MB`);
    }
    for (let i = 0; i < STARTS; i++) {
      const r = await coldStart(false);
      coldPriv.push(r.ms);
      log(`cold start ${i + 1}/${STARTS} (private redis-server): ${r.ms.toFixed(0)} ms to /health ${r.health}`);
    }
  } finally {
    await server?.stop().catch(() => {});
    await cleanup();
    log(`stopped everything; pids this bench started directly: ${startedPids.join(" ")}`);
  }

  // ---------------------------------------------------------------- report
  const R = stats(raw);
  const C = stats(cs);
  const ratio = Number((C.median / R.median).toFixed(3));
  // Phase-corrected: minus the key-frame wait of each run (runs that reused a pipeline are left out).
  const minusWait = (xs: number[], ws: number[]) => xs.map((x, i) => x - ws[i]!).filter((x) => Number.isFinite(x));
  const RC = stats(minusWait(raw, rawWait));
  const CC = stats(minusWait(cs, csWait));
  const ratioCorrected = Number((CC.median / RC.median).toFixed(3));
  const CE = stats(coldExt, 0);
  const CP = stats(coldPriv, 0);
  const M = stats(rss, 1);
  const w = [44, 9, 9, 9];
  const B = miles.length
    ? {
        sourceSpawn: stats(miles.map((m) => m.sourceSpawn), 0),
        muxerSpawn: stats(miles.map((m) => m.muxerSpawn), 0),
        localPlaylist: stats(miles.map((m) => m.localPlaylist), 0),
        answer: stats(miles.map((m) => m.answer), 0),
        publishToAnswer: stats(miles.map((m) => m.answer - m.localPlaylist), 0),
      }
    : undefined;
  const lines = [
    "",
    `HLS start-up, one camera (720p30, 1 s GOP), ${RUNS} interleaved cold runs each (random 0-1 s GOP phase)`,
    row(["", "median", "min", "max"], w),
    row(["raw ffmpeg: spawn -> playlist with #EXTINF (s)", R.median.toFixed(3), R.min.toFixed(3), R.max.toFixed(3)], w),
    row(["camserver: POST /v1/streams/start -> answer (s)", C.median.toFixed(3), C.min.toFixed(3), C.max.toFixed(3)], w),
    row([`ratio of medians camserver/raw (target <= 1.10)`, ratio.toFixed(3), "", ""], w),
    row(["raw ffmpeg minus key-frame wait (s)", RC.median.toFixed(3), RC.min.toFixed(3), RC.max.toFixed(3)], w),
    row(["camserver minus key-frame wait (s)", CC.median.toFixed(3), CC.min.toFixed(3), CC.max.toFixed(3)], w),
    row(["ratio of those medians (GOP phase removed)", ratioCorrected.toFixed(3), "", ""], w),
    `  raw runs (s):       ${R.runs.join(" ")}`,
    `  camserver runs (s): ${C.runs.join(" ")}`,
    `  camserver stop -> idle (s): ${stats(stopToIdle).runs.join(" ")}   camera new pipeline in ${coldPipelines}/${measuredRuns} runs`,
    `  camserver source ffmpeg: ${[...probes].join(" | ")}`,
    ...(B
      ? [
          `  camserver breakdown, medians of ${miles.length} runs (ms after POST): source ffmpeg spawned ${B.sourceSpawn.median}, HLS muxer spawned ${B.muxerSpawn.median},`,
          `    first segment complete in the scratch dir ${B.localPlaylist.median}, answer ${B.answer.median} (segment complete -> answer: ${B.publishToAnswer.median})`,
        ]
      : []),
    "",
    `start: spawn -> first answered GET /health, ${STARTS} cold starts each`,
    row(["", "median", "min", "max"], w),
    row(["REDIS_URL set (ms, target < 500)", CE.median, CE.min, CE.max], w),
    row(["no REDIS_URL, private redis-server (ms)", CP.median, CP.min, CP.max], w),
    row(["idle RSS of start at 3 s, 1 camera (MB)", M.median.toFixed(1), M.min.toFixed(1), M.max.toFixed(1)], w),
    `  (RSS of the bench's camserver, idle 3 s after ${RUNS + 1} streams: ${rssAfterRunsMb?.toFixed(1)} MB)`,
    "",
  ];
  console.log(lines.join("\n"));
  console.log(
    JSON.stringify({
      bench: "hls-startup",
      runs: RUNS,
      ffmpeg: ffmpegVersion,
      raw_ffmpeg_first_playlist_s: R,
      camserver_stream_start_s: C,
      ratio_of_medians: ratio,
      ratio_target_met: ratio <= 1.1,
      keyframe_wait_s: { raw: stats(rawWait).runs, camserver: stats(csWait).runs },
      raw_minus_keyframe_wait_s: RC,
      camserver_minus_keyframe_wait_s: CC,
      ratio_of_medians_minus_keyframe_wait: ratioCorrected,
      warmup_s: { raw: Number(warmup.raw?.toFixed(3)), camserver: Number(warmup.camserver?.toFixed(3)) },
      camserver_stop_to_idle_s: stats(stopToIdle),
      camera_new_pipeline_runs: `${coldPipelines}/${measuredRuns}`,
      camserver_source_probe_flags: [...probes],
      ...(B ? { camserver_breakdown_ms: B } : {}),
      start_to_first_health_ms: { external_redis: CE, private_redis: CP, target_met: CE.median < 500 },
      idle_rss_mb: M,
      rss_after_runs_mb: rssAfterRunsMb === undefined ? null : Number(rssAfterRunsMb.toFixed(1)),
    }),
  );
}

try {
  await main();
  process.exit(0);
} catch (err) {
  console.error(`bench failed: ${(err as Error).stack ?? err}`);
  await cleanup();
  process.exit(1);
}
