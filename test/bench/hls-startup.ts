/**
 * HLS start-up benchmark (not a bun test): `bun test/bench/hls-startup.ts [--runs N] [--starts M]`.
 *
 * Against ONE real test-bed RTSP camera (720p30, 1 s GOP, digest auth), interleaved:
 *  - raw ffmpeg (the plain HLS command): spawn -> first `index.m3u8` with an `#EXTINF`;
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
import { startBackground } from "../support/background.ts";
import { ROOT, TEST_REDIS_URL, TEST_TOKEN, ffmpegPids, tempDir, testPrefix, type CamserverProcess } from "../support/camserver.ts";
import { freePort } from "../support/ports.ts";
import { cleanup, intArg, log, now, runBench, startedPids, stopProc, trackDir, trackPid, trackPrefix, trackProc } from "./kit/bench.ts";
import { CAMERA_ID, compareCold, startColdCamera, summarizeCold, type ColdCamera, type ColdComparison } from "./kit/cold-camera.ts";
import { rawHlsCommand } from "./kit/raw-hls.ts";
import { row, stats } from "./kit/stats.ts";

// ---------------------------------------------------------------- options

const RUNS = intArg("--runs", 7);
/** `--breakdown`: also watch /proc and camserver's scratch dir every 5 ms during camserver runs (adds a little load). */
const BREAKDOWN = process.argv.includes("--breakdown");
const STARTS = intArg("--starts", 5);

// ---------------------------------------------------------------- helpers

/** VmRSS of a process, MB; throws if it has none. */
function vmRssMb(pid: number): number {
  const m = readFileSync(`/proc/${pid}/status`, "utf8").match(/^VmRSS:\s+(\d+)\s+kB/m);
  if (!m) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]) / 1024;
}

// ---------------------------------------------------------------- measurements

/** Raw ffmpeg, the plain HLS command: spawn -> index.m3u8 holding an #EXTINF (polled every 2 ms). */
async function rawRun(url: string): Promise<number> {
  const out = trackDir(mkdtempSync(`${tmpdir()}/bench-raw-`));
  const pl = `${out}/index.m3u8`;
  const cmd = rawHlsCommand(url, pl);
  const t0 = now();
  const p = trackProc(Bun.spawn(cmd, { stdin: "ignore", stdout: "ignore", stderr: "pipe" }));
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

/** camserver: POST /v1/streams/start -> answer; then stop and wait until the camera is idle again (source and HLS muxer gone). */
async function camserverRun(camera: ColdCamera): Promise<{ startS: number; stopToIdleS: number; segments: number; probe: string; milestones?: Milestones }> {
  const { server, port: camPort, dataDir } = camera;
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
  await camera.waitIdle();
  return { startS, stopToIdleS: (now() - t1) / 1000, segments, probe, milestones };
}

/** Spawns `bun infra/entry/start.ts` and times spawn -> first answered GET /health (5 ms polls). */
async function coldStart(externalRedis: boolean, rssCameraUrl?: string): Promise<{ ms: number; health: number; rssMb?: number }> {
  const port = freePort();
  const dataDir = trackDir(tempDir("bench-cold"));
  const prefix = trackPrefix(testPrefix("benchcold"));
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
  trackPid(bg.pid);
  try {
    let health = 0;
    for (;;) {
      health = await fetch(`http://127.0.0.1:${port}/health`).then(
        (r) => r.status,
        () => 0,
      );
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
      if (bg.proc.exitCode !== null || bg.proc.signalCode !== null)
        throw new Error(`start exited (${bg.proc.exitCode ?? bg.proc.signalCode}) before the RSS reading: ${bg.output().slice(-1500)}`);
      rssMb = vmRssMb(bg.pid);
    }
    return { ms, health, rssMb };
  } finally {
    await bg.stop(5000);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const ffmpegVersion = Bun.spawnSync(["ffmpeg", "-version"]).stdout.toString().split("\n")[0] ?? "";
  let server: CamserverProcess | undefined;
  let cold!: ColdComparison;
  const stopToIdle: number[] = [];
  /** Distinct probe flags of the source ffmpeg seen in camserver runs. */
  const probes = new Set<string>();
  const miles: (Required<Milestones> & { answer: number })[] = [];
  let rssAfterRunsMb: number | undefined;
  const coldExt: number[] = [];
  const coldPriv: number[] = [];
  const rss: number[] = [];
  try {
    const camera = await startColdCamera({ dirName: "bench", prefixName: "bench", graceMs: 500, idleWaitsForMuxer: true, note: `${RUNS} runs` });
    const cam = camera.cam;
    server = camera.server;
    cold = await compareCold(
      camera,
      RUNS,
      "",
      {
        raw: () => rawRun(cam.url),
        camserver: async () => {
          const r = await camserverRun(camera);
          stopToIdle.push(r.stopToIdleS);
          probes.add(r.probe);
          const m = r.milestones;
          if (m?.sourceSpawn !== undefined && m.muxerSpawn !== undefined && m.localPlaylist !== undefined)
            miles.push({ sourceSpawn: m.sourceSpawn, muxerSpawn: m.muxerSpawn, localPlaylist: m.localPlaylist, answer: r.startS * 1000 });
          return r.startS;
        },
      },
      () => {
        stopToIdle.length = 0;
        miles.length = 0;
      },
    );
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
  const { warmup, coldPipelines, measuredRuns } = cold;
  // Also phase-corrected: minus the key-frame wait of each run (runs that reused a pipeline are left out).
  const { raw: R, camserver: C, ratio, rawMinusWait: RC, camserverMinusWait: CC, ratioMinusWait: ratioCorrected } = summarizeCold(cold);
  const CE = stats(coldExt, 0);
  const CP = stats(coldPriv, 0);
  const M = stats(rss, 1);
  const w = [44, 9, 9, 9];
  const B = miles.length
    ? {
        sourceSpawn: stats(
          miles.map((m) => m.sourceSpawn),
          0,
        ),
        muxerSpawn: stats(
          miles.map((m) => m.muxerSpawn),
          0,
        ),
        localPlaylist: stats(
          miles.map((m) => m.localPlaylist),
          0,
        ),
        answer: stats(
          miles.map((m) => m.answer),
          0,
        ),
        publishToAnswer: stats(
          miles.map((m) => m.answer - m.localPlaylist),
          0,
        ),
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
      keyframe_wait_s: { raw: stats(cold.rawWait).runs, camserver: stats(cold.camserverWait).runs },
      raw_minus_keyframe_wait_s: RC,
      camserver_minus_keyframe_wait_s: CC,
      ratio_of_medians_minus_keyframe_wait: ratioCorrected,
      warmup_s: { raw: Number(warmup.raw.toFixed(3)), camserver: Number(warmup.camserver.toFixed(3)) },
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

await runBench(main);
