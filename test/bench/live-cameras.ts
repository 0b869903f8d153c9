/**
 * Live-camera cost benchmark (not a bun test):
 * `bun test/bench/live-cameras.ts [--cameras N] [--seconds S] [--warmup S] [--runs native,ffmpeg,raw] [--cpu-prof DIR]`.
 *
 * One test RTSP camera (gst-rtsp-server, 720p30 3 Mbit/s, 1 s GOP); N camera ids all point at
 * it, each with a live HLS session whose playlist is fetched every second (as a player does).
 * Three runs, one after the other, each measured over S seconds after a warm-up (60 s unless --warmup):
 *  - camserver `start` with `source_engine: native` (the in-process RTSP client),
 *  - camserver `start` with `source_engine: ffmpeg` (one ffmpeg child per camera),
 *  - N raw `ffmpeg -rtsp_transport tcp -i URL -c:v copy -f hls` processes doing the same HLS job.
 * For each: CPU of the whole process tree (% of one core, utime+stime from /proc), PSS of the
 * tree (smaps_rollup: shared libraries split, not counted per process) as the mean and the
 * peak of samples every 5 s over the measured seconds (a garbage-collected process's PSS
 * rises and falls by tens of MB between collections; one sample would be a throw of the
 * dice), ffmpeg processes alive.
 * The camera server's own CPU is not counted. Prints a table and a final JSON line.
 * `--cpu-prof DIR` runs camserver under `bun --cpu-prof` (read the profile with cpuprofile-summary.ts).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { startRtspCamera } from "../support/testbed.ts";
import { startCamserver, tempDir, testPrefix, type CamserverProcess } from "../support/camserver.ts";
import { cleanup, intArg, log, runBench, stopProc, stringArg, trackDir, trackPid, trackPrefix, trackProc, until } from "./kit/bench.ts";
import { countInTree, treeCpuPercent, treePssMb } from "./kit/proc-tree.ts";
import { rawHlsCommand } from "./kit/raw-hls.ts";
import { r1 } from "./kit/stats.ts";

const CAMERAS = intArg("--cameras", 20);
const SECONDS = intArg("--seconds", 30);
/** Seconds before measuring: JIT compilation settles within about a minute of a steady load. */
const WARMUP_MS = intArg("--warmup", 60) * 1000;
/** Which runs to make, in this order: native, ffmpeg, raw (all without --runs). */
const RUNS = (stringArg("--runs") ?? "native,ffmpeg,raw").split(",");
const PROFILE_DIR = stringArg("--cpu-prof");

/** What one run measured. */
interface Cost {
  label: string;
  cpuPercent: number;
  /** Mean of the PSS samples, MB. */
  pssMb: number;
  /** Largest PSS sample, MB. */
  pssPeakMb: number;
  ffmpeg: number;
}

/** Time between PSS samples while the CPU is measured, ms. */
const PSS_EVERY_MS = 5000;

/** PSS of the tree every {@link PSS_EVERY_MS} for `ms`, the last sample at the end, MB. */
async function pssSamples(roots: number[], ms: number): Promise<number[]> {
  const samples: number[] = [];
  const end = performance.now() + ms;
  for (;;) {
    samples.push(treePssMb(roots));
    const left = end - performance.now();
    if (left <= 0) return samples;
    await Bun.sleep(Math.min(PSS_EVERY_MS, left));
  }
}

/** Measures a process tree after the warm-up, while `keepAlive` runs every second. */
async function measure(label: string, roots: number[], keepAlive: () => Promise<void>): Promise<Cost> {
  let live = true;
  const loop = (async () => {
    while (live) {
      await keepAlive().catch(() => {});
      await Bun.sleep(1000);
    }
  })();
  await Bun.sleep(WARMUP_MS);
  const [cpuPercent, pss] = await Promise.all([treeCpuPercent(roots, SECONDS * 1000), pssSamples(roots, SECONDS * 1000)]);
  const cost = {
    label,
    cpuPercent: r1(cpuPercent),
    pssMb: r1(pss.reduce((a, b) => a + b, 0) / pss.length),
    pssPeakMb: r1(Math.max(...pss)),
    ffmpeg: countInTree(roots, "ffmpeg"),
  };
  live = false;
  await loop;
  log(`${label}: ${JSON.stringify(cost)}`);
  return cost;
}

/** camserver with N cameras on `url`, each with an HLS session. */
async function camserverRun(url: string, engine: "native" | "ffmpeg"): Promise<Cost> {
  const cs: CamserverProcess = await startCamserver(
    "start",
    { DATA_DIR: trackDir(tempDir("bench-live")), REDIS_PREFIX: trackPrefix(testPrefix("bench-live")) },
    PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${PROFILE_DIR}`] : [],
  );
  trackPid(cs.proc.pid);
  try {
    const sessions: string[] = [];
    for (let i = 0; i < CAMERAS; i++) {
      const id = `live${i}`;
      const r = await cs.call("POST", "/v1/cameras", { id, name: id, source_url: url, source_engine: engine });
      if (r.status !== 201) throw new Error(`camera ${id}: ${r.status} ${r.text}`);
    }
    for (let i = 0; i < CAMERAS; i++) {
      const r = await cs.call("POST", "/v1/streams/start", { camera_id: `live${i}` });
      if (r.status !== 200) throw new Error(`stream live${i}: ${r.status} ${r.text}`);
      sessions.push(r.json.hls_url);
    }
    return await measure(`camserver ${engine}`, [cs.proc.pid], async () => {
      await Promise.all(sessions.map((u) => fetch(`${cs.base}${u}`).then((r) => r.arrayBuffer())));
    });
  } finally {
    await cs.stop();
  }
}

/** N raw ffmpeg HLS processes on `url`. */
async function rawRun(url: string): Promise<Cost> {
  const procs = [];
  for (let i = 0; i < CAMERAS; i++) {
    const out = trackDir(mkdtempSync(`${tmpdir()}/bench-raw-`));
    const cmd = rawHlsCommand(url, `${out}/index.m3u8`);
    procs.push(trackProc(Bun.spawn(cmd, { stdin: "ignore", stdout: "ignore", stderr: "ignore" })));
  }
  try {
    return await measure(
      "raw ffmpeg",
      procs.map((p) => p.pid),
      async () => {},
    );
  } finally {
    await Promise.all(procs.map((p) => stopProc(p)));
  }
}

await runBench(async () => {
  const cam = await startRtspCamera();
  trackPid(cam.proc.pid);
  await until("camera", async () => true, 1000);
  const wanted = (run: string) => RUNS.includes(run);
  const results: Cost[] = [];
  if (wanted("native")) results.push(await camserverRun(cam.url, "native"));
  if (wanted("ffmpeg")) results.push(await camserverRun(cam.url, "ffmpeg"));
  if (wanted("raw")) results.push(await rawRun(cam.url));
  await cleanup();
  console.log(`\n${CAMERAS} live HLS cameras, ${SECONDS} s after ${WARMUP_MS / 1000} s warm-up (CPU: % of one core, whole process tree)`);
  console.log(`| run | CPU % | PSS MB, mean of samples every ${PSS_EVERY_MS / 1000} s | PSS MB, peak | ffmpeg processes |\n|---|---|---|---|---|`);
  for (const r of results) console.log(`| ${r.label} | ${r.cpuPercent} | ${r.pssMb} | ${r.pssPeakMb} | ${r.ffmpeg} |`);
  console.log(JSON.stringify({ cameras: CAMERAS, seconds: SECONDS, results }));
});
