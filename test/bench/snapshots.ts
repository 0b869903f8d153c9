/**
 * Snapshot benchmark (not a bun test): `bun test/bench/snapshots.ts [--runs N] [--live M] [--concurrent C]`.
 *
 * One real test-bed RTSP camera (720p30, 1 s GOP, digest auth) and one camserver `start`
 * (API + worker, external Redis, PIPELINE_GRACE_MS=300):
 *
 * 1. Live camera: an HLS stream is started first (it keeps the camera's pipeline live, so
 *    snapshots decode the holder's cached keyframe from Redis), then `--live` (default 50)
 *    sequential `GET /v1/cameras/:id/snapshot` (request -> whole JPEG body): p50, p95, min,
 *    max; then `--concurrent` (default 20) requests at once: wall time and p50. Three
 *    unrecorded requests warm up first. Then, without load, where the time goes: the BullMQ
 *    job records of the sequential requests (added -> processedOn -> finishedOn, ms
 *    resolution), a Redis read of the keyframe, camserver's own decoder
 *    (`decodeKeyframeToJpeg`) on that keyframe, a no-op BullMQ job round trip in this
 *    process, the whole request chain without a decode (`?max_age_ms=`, the JPEG already in
 *    Redis) and ffmpeg's bare start-up (`ffmpeg -version`, wrapped as camserver spawns it).
 * 2. Cold camera: camserver `GET snapshot` with the camera idle before each run (state `idle`
 *    and no ffmpeg of the camera's port) vs raw `ffmpeg -nostdin -loglevel error
 *    -rtsp_transport tcp -i URL -frames:v 1 -f image2 -y out.jpg` (spawn -> exit), interleaved,
 *    `--runs` each (default 7) after one unrecorded pair. Before each run: the camera idle,
 *    1.5 s untouched (the camera tears its shared pipeline down, as in measure-baselines),
 *    plus a random 0-1 s so every run joins the 1 s GOP at a random phase. As in
 *    hls-startup.ts, each run's key-frame wait (from the camera's `new pipeline, clip position`
 *    log line) is also subtracted for a phase-free comparison.
 *
 * Prints a table and a final JSON line. Everything it starts is stopped in `finally` (and on
 * SIGINT/SIGTERM), then `ps` is checked for anything left of it.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { Queue, QueueEvents, Worker } from "bullmq";
import { TEST_REDIS_URL, TEST_TOKEN, type CamserverProcess } from "../support/camserver.ts";
import { openRedis } from "../../queues/connection.ts";
import { decodeKeyframeToJpeg } from "../../src/pipeline/snapshot/jpeg-decoder.ts";
import { atCleanup, cleanup, intArg, leftovers, log, now, runBench, startedPids, stopProc, trackDir, trackProc, until } from "./kit/bench.ts";
import { CAMERA_ID, compareCold, startColdCamera, summarizeCold } from "./kit/cold-camera.ts";
import { dist, pct, r1, r3, row } from "./kit/stats.ts";

// ---------------------------------------------------------------- options

const RUNS = intArg("--runs", 7);
const LIVE = intArg("--live", 50);
const CONCURRENT = intArg("--concurrent", 20);
const GRACE_MS = 300;
/** Pieces measured by hand in the breakdown, each this many times. */
const PIECES = 20;

// ---------------------------------------------------------------- helpers

const isJpeg = (b: Uint8Array) => b.byteLength > 2 && b[0] === 0xff && b[1] === 0xd8;

/** In-process BullMQ objects of the breakdown (closed in cleanup, last added first). */
const closers: (() => Promise<unknown>)[] = [];
atCleanup(async () => {
  for (const c of closers.reverse()) await c().catch(() => {});
});

// ---------------------------------------------------------------- measurements

interface Shot {
  ms: number;
  bytes: number;
  at: string | null;
}

/** One `GET snapshot`: request -> whole body (ms). Throws unless it is a 200 JPEG. */
async function snapshot(server: CamserverProcess, query = ""): Promise<Shot> {
  const t0 = now();
  const res = await fetch(`${server.base}/v1/cameras/${CAMERA_ID}/snapshot${query}`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
  const body = new Uint8Array(await res.arrayBuffer());
  const ms = now() - t0;
  if (res.status !== 200 || res.headers.get("content-type") !== "image/jpeg" || !isJpeg(body)) {
    throw new Error(`GET snapshot: ${res.status} ${res.headers.get("content-type")} ${new TextDecoder().decode(body.slice(0, 300))}`);
  }
  return { ms, bytes: body.byteLength, at: res.headers.get("x-snapshot-at") };
}

/** Raw ffmpeg one-frame snapshot: spawn -> exit (s). */
async function rawRun(url: string): Promise<number> {
  const out = trackDir(mkdtempSync(`${tmpdir()}/bench-snap-raw-`));
  const jpg = `${out}/out.jpg`;
  const cmd = ["ffmpeg", "-nostdin", "-loglevel", "error", "-rtsp_transport", "tcp", "-i", url, "-frames:v", "1", "-f", "image2", "-y", jpg];
  const t0 = now();
  const p = trackProc(Bun.spawn(cmd, { stdin: "ignore", stdout: "ignore", stderr: "pipe" }));
  const errText = new Response(p.stderr).text();
  const timer = setTimeout(() => p.kill("SIGKILL"), 20_000);
  try {
    const code = await p.exited;
    const s = (now() - t0) / 1000;
    if (code !== 0) throw new Error(`raw ffmpeg exited ${code ?? p.signalCode}: ${await errText}`);
    if (!isJpeg(new Uint8Array(readFileSync(jpg)))) throw new Error("raw ffmpeg wrote no JPEG");
    return s;
  } finally {
    clearTimeout(timer);
    await stopProc(p);
    rmSync(out, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const ffmpegVersion = Bun.spawnSync(["ffmpeg", "-version"]).stdout.toString().split("\n")[0] ?? "";
  let server: CamserverProcess | undefined;
  let ok = false;
  const result: Record<string, unknown> = {};
  const lines: string[] = [];
  try {
    // Idle before a cold run: state `idle` and no ffmpeg with the camera's port on its command line.
    const camera = await startColdCamera({
      dirName: "bench-snap",
      prefixName: "benchsnap",
      graceMs: GRACE_MS,
      idleWaitsForMuxer: false,
      note: `PIPELINE_GRACE_MS=${GRACE_MS}`,
    });
    const { cam, prefix } = camera;
    server = camera.server;

    // ------------------------------------------------------------ 1. live camera
    const st = await server.call("POST", "/v1/streams/start", { camera_id: CAMERA_ID });
    if (st.status !== 200) throw new Error(`POST /v1/streams/start: ${st.status} ${st.text}`);
    const pl = await fetch(`${server.base}${st.json.hls_url}`);
    if (pl.status !== 200) throw new Error(`playlist: ${pl.status}`);
    await pl.text();
    const liveState = (await server.call("GET", `/v1/cameras/${CAMERA_ID}`)).json?.state;
    if (liveState !== "live") throw new Error(`camera state after stream start: ${liveState}`);
    const pipelinesBefore = camera.newPipelines();
    const warm: number[] = [];
    for (let i = 0; i < 3; i++) warm.push((await snapshot(server)).ms);
    log(`live: stream ${st.json.session_id} started, state ${liveState}; warm-up (not counted) ${warm.map((x) => x.toFixed(0)).join(" ")} ms`);

    const seqStartEpoch = Date.now();
    const seq: Shot[] = [];
    for (let i = 0; i < LIVE; i++) seq.push(await snapshot(server));
    const seqEndEpoch = Date.now();
    const S = dist(seq.map((s) => s.ms));
    log(`live sequential x${LIVE}: p50 ${S.p50} p95 ${S.p95} min ${S.min} max ${S.max} ms`);

    const tc = now();
    const conc = await Promise.all(Array.from({ length: CONCURRENT }, () => snapshot(server!)));
    const concWall = now() - tc;
    const C = dist(conc.map((s) => s.ms));
    log(`live concurrent x${CONCURRENT}: wall ${concWall.toFixed(1)} ms, p50 ${C.p50} max ${C.max} ms`);
    const liveExtraPipelines = camera.newPipelines() - pipelinesBefore;

    // Breakdown (no requests in flight). a) BullMQ job records of the sequential requests.
    const redis = openRedis(TEST_REDIS_URL);
    redis.on("error", () => {});
    closers.push(async () => redis.disconnect());
    const snapQ = new Queue("snapshot", { connection: redis, prefix });
    closers.push(() => snapQ.close());
    const jobs = (await snapQ.getJobs(["completed"], 0, 1000)).filter(
      (j) => j.timestamp >= seqStartEpoch && j.timestamp <= seqEndEpoch && j.name === "snapshot",
    );
    const queueWait = jobs.map((j) => j.processedOn! - j.timestamp);
    const processing = jobs.map((j) => j.finishedOn! - j.processedOn!);
    const inJob = jobs.map((j) => j.finishedOn! - j.timestamp);
    // b) Redis read of the keyframe, c) camserver's decoder alone on it, d) no-op BullMQ round trip.
    const kfKey = `${prefix}:keyframe:${CAMERA_ID}`;
    const redisRead: number[] = [];
    let kf: Buffer | null = null;
    for (let i = 0; i < PIECES; i++) {
      const t0 = now();
      const [au] = await redis.hmgetBuffer(kfKey, "au", "at");
      redisRead.push(now() - t0);
      kf = au ?? null;
    }
    if (!kf) throw new Error("no keyframe in Redis while the camera is live");
    const decode: number[] = [];
    for (let i = 0; i < PIECES; i++) {
      const t0 = now();
      const jpeg = await decodeKeyframeToJpeg(kf);
      decode.push(now() - t0);
      if (!isJpeg(jpeg)) throw new Error("decodeKeyframeToJpeg gave no JPEG");
    }
    const noopName = "bench-noop";
    const noopQ = new Queue(noopName, { connection: redis, prefix });
    closers.push(() => noopQ.close());
    const evConn = redis.duplicate();
    evConn.on("error", () => {});
    const noopEvents = new QueueEvents(noopName, { connection: evConn, prefix });
    closers.push(async () => {
      await noopEvents.close();
      evConn.disconnect();
    });
    const wConn = redis.duplicate();
    wConn.on("error", () => {});
    const noopWorker = new Worker(noopName, async () => ({ ok: true }), { connection: wConn, prefix, concurrency: 50 });
    closers.push(async () => {
      await noopWorker.close();
      wConn.disconnect();
    });
    await noopEvents.waitUntilReady();
    await noopWorker.waitUntilReady();
    const noop: number[] = [];
    for (let i = 0; i < PIECES + 3; i++) {
      const t0 = now();
      const job = await noopQ.add("noop", {}, { removeOnComplete: 100, removeOnFail: 100, attempts: 1 });
      await job.waitUntilFinished(noopEvents, 10_000);
      if (i >= 3) noop.push(now() - t0);
    }
    // Close the breakdown's BullMQ objects now (the shared connection last, in cleanup).
    for (const c of closers.splice(1).reverse()) await c();
    // e) The whole API -> job -> Redis -> API chain without a decode: `?max_age_ms=` answers
    // with the JPEG already in Redis. f) ffmpeg's start-up alone, wrapped as camserver spawns it.
    const cached: number[] = [];
    for (let i = 0; i < PIECES; i++) cached.push((await snapshot(server, "?max_age_ms=600000")).ms);
    const execFloor: number[] = [];
    for (let i = 0; i < PIECES; i++) {
      const t0 = now();
      const p = trackProc(
        Bun.spawn(["setpriv", "--pdeathsig", "KILL", "--", "setsid", "ffmpeg", "-hide_banner", "-version"], {
          stdin: "ignore",
          stdout: "ignore",
          stderr: "ignore",
        }),
      );
      await p.exited;
      execFloor.push(now() - t0);
      await stopProc(p);
    }

    const B = {
      job_count: jobs.length,
      job_added_to_active_ms: dist(queueWait),
      job_active_to_finished_ms: dist(processing),
      job_added_to_finished_ms: dist(inJob),
      outside_job_ms_p50: r1(S.p50 - pct(inJob, 50)),
      redis_keyframe_read_ms: dist(redisRead),
      keyframe_bytes: kf.byteLength,
      decode_keyframe_to_jpeg_ms: dist(decode),
      bullmq_noop_round_trip_ms: dist(noop),
      cached_jpeg_request_ms: dist(cached),
      ffmpeg_version_exec_ms: dist(execFloor),
    };
    log(`breakdown: ${JSON.stringify(B)}`);

    const stop = await server.call("POST", "/v1/streams/stop", { session_id: st.json.session_id });
    if (stop.status !== 200) throw new Error(`POST /v1/streams/stop: ${stop.status} ${stop.text}`);

    // ------------------------------------------------------------ 2. cold camera
    const cold = await compareCold(camera, RUNS, "cold ", { raw: () => rawRun(cam.url), camserver: async () => (await snapshot(server!)).ms / 1000 });
    const { warmup, coldPipelines, measuredRuns, rawWait, camserverWait: csWait } = cold;
    await camera.waitIdle();

    // ------------------------------------------------------------ report
    const { raw: R, camserver: CS, ratio, rawMinusWait: RC, camserverMinusWait: CC, ratioMinusWait: ratioCorrected } = summarizeCold(cold);
    const w = [50, 9, 9, 9, 9];
    const f1 = (x: number) => x.toFixed(1);
    const f3 = (x: number) => x.toFixed(3);
    lines.push(
      "",
      `Snapshots, one camera (720p30, 1 s GOP), camserver start (PIPELINE_GRACE_MS=${GRACE_MS}), ${ffmpegVersion.split(" Copyright")[0]}`,
      "",
      `1. live camera (HLS stream running), GET /v1/cameras/:id/snapshot -> whole JPEG (ms)`,
      row(["", "p50", "p95", "min", "max"], w),
      row([`${LIVE} sequential (target p50 < 150)`, f1(S.p50), f1(S.p95), f1(S.min), f1(S.max)], w),
      row([`${CONCURRENT} concurrent, per request`, f1(C.p50), f1(C.p95), f1(C.min), f1(C.max)], w),
      `  ${CONCURRENT} concurrent: wall time ${f1(concWall)} ms; JPEG ${seq[0]!.bytes} bytes; ${new Set(seq.map((s) => s.at)).size} distinct keyframes in the sequential run; camera pipelines started meanwhile: ${liveExtraPipelines}`,
      `  where the time goes (p50, ms; ${B.job_count} job records of the sequential requests, pieces x${PIECES} by hand, idle):`,
      row(
        [
          "  job added -> active (queue wait)",
          f1(B.job_added_to_active_ms.p50),
          f1(B.job_added_to_active_ms.p95),
          f1(B.job_added_to_active_ms.min),
          f1(B.job_added_to_active_ms.max),
        ],
        w,
      ),
      row(
        [
          "  job active -> finished (Redis + decode + Redis)",
          f1(B.job_active_to_finished_ms.p50),
          f1(B.job_active_to_finished_ms.p95),
          f1(B.job_active_to_finished_ms.min),
          f1(B.job_active_to_finished_ms.max),
        ],
        w,
      ),
      row(["  HTTP p50 minus job added -> finished p50", f1(B.outside_job_ms_p50), "", "", ""], w),
      row(
        [
          `  decodeKeyframeToJpeg alone (${B.keyframe_bytes} B keyframe)`,
          f1(B.decode_keyframe_to_jpeg_ms.p50),
          f1(B.decode_keyframe_to_jpeg_ms.p95),
          f1(B.decode_keyframe_to_jpeg_ms.min),
          f1(B.decode_keyframe_to_jpeg_ms.max),
        ],
        w,
      ),
      row(
        [
          "  Redis read of the keyframe",
          f1(B.redis_keyframe_read_ms.p50),
          f1(B.redis_keyframe_read_ms.p95),
          f1(B.redis_keyframe_read_ms.min),
          f1(B.redis_keyframe_read_ms.max),
        ],
        w,
      ),
      row(
        [
          "  GET snapshot?max_age_ms= (cached JPEG, no decode)",
          f1(B.cached_jpeg_request_ms.p50),
          f1(B.cached_jpeg_request_ms.p95),
          f1(B.cached_jpeg_request_ms.min),
          f1(B.cached_jpeg_request_ms.max),
        ],
        w,
      ),
      row(
        [
          "  ffmpeg -version via setpriv+setsid (exec floor)",
          f1(B.ffmpeg_version_exec_ms.p50),
          f1(B.ffmpeg_version_exec_ms.p95),
          f1(B.ffmpeg_version_exec_ms.min),
          f1(B.ffmpeg_version_exec_ms.max),
        ],
        w,
      ),
      row(
        [
          "  BullMQ no-op job round trip (this process)",
          f1(B.bullmq_noop_round_trip_ms.p50),
          f1(B.bullmq_noop_round_trip_ms.p95),
          f1(B.bullmq_noop_round_trip_ms.min),
          f1(B.bullmq_noop_round_trip_ms.max),
        ],
        w,
      ),
      "",
      `2. cold camera (idle before each run), ${RUNS} interleaved runs each, random 0-1 s GOP phase (s)`,
      row(["", "median", "min", "max", ""], w),
      row(["raw ffmpeg -frames:v 1 -f image2: spawn -> exit", f3(R.median), f3(R.min), f3(R.max), ""], w),
      row(["camserver GET snapshot -> whole JPEG", f3(CS.median), f3(CS.min), f3(CS.max), ""], w),
      row(["ratio of medians camserver/raw (target <= 1.10)", f3(ratio), "", "", ""], w),
      row(["raw minus key-frame wait", f3(RC.median), f3(RC.min), f3(RC.max), ""], w),
      row(["camserver minus key-frame wait", f3(CC.median), f3(CC.min), f3(CC.max), ""], w),
      row(["ratio of those medians (GOP phase removed)", f3(ratioCorrected), "", "", ""], w),
      `  raw runs (s):       ${R.runs.join(" ")}`,
      `  camserver runs (s): ${CS.runs.join(" ")}`,
      `  camera new pipeline in ${coldPipelines}/${measuredRuns} cold runs; warm-up (not counted): raw ${f3(warmup.raw)} s, camserver ${f3(warmup.camserver)} s`,
    );
    Object.assign(result, {
      bench: "snapshots",
      ffmpeg: ffmpegVersion,
      pipeline_grace_ms: GRACE_MS,
      live: {
        sequential_ms: { ...S, target_p50_ms: 150, target_met: S.p50 < 150, runs: seq.map((s) => r1(s.ms)) },
        concurrent: { requests: CONCURRENT, wall_ms: r1(concWall), per_request_ms: C },
        warmup_ms: warm.map(r1),
        jpeg_bytes: seq[0]!.bytes,
        distinct_keyframes_sequential: new Set(seq.map((s) => s.at)).size,
        camera_pipelines_started: liveExtraPipelines,
        breakdown: B,
      },
      cold: {
        runs: RUNS,
        raw_ffmpeg_s: R,
        camserver_s: CS,
        ratio_of_medians: ratio,
        ratio_target_met: ratio <= 1.1,
        keyframe_wait_s: { raw: rawWait.map(r3), camserver: csWait.map(r3) },
        raw_minus_keyframe_wait_s: RC,
        camserver_minus_keyframe_wait_s: CC,
        ratio_of_medians_minus_keyframe_wait: ratioCorrected,
        camera_new_pipeline_runs: `${coldPipelines}/${measuredRuns}`,
        warmup_s: { raw: r3(warmup.raw), camserver: r3(warmup.camserver) },
      },
    });
    ok = true;
  } finally {
    await server?.stop().catch(() => {});
    await cleanup();
    // Children of camserver (ffmpeg) die with it; give the kernel a moment before looking.
    let left: string[] = [];
    await until("no leftovers", () => (left = leftovers()).length === 0, 5000, 100).catch(() => {});
    log(`stopped everything; pids this bench started directly: ${startedPids.join(" ")}; left over: ${left.length ? left.join(" | ") : "none"}`);
    result.leftover_processes = left;
    if (ok) {
      lines.push(
        `  processes left over (ps -eo pid,args | grep -E 'ffmpeg|rtsp-camera|infra/entry', this bench's): ${left.length ? left.join(" | ") : "none"}`,
        "",
      );
      console.log(lines.join("\n"));
      console.log(JSON.stringify(result));
    }
  }
}

await runBench(main);
