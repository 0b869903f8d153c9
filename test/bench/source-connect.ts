/**
 * Source connect benchmark (not a bun test): `bun test/bench/source-connect.ts [--runs N] [--cost-seconds S]`.
 *
 * One test-bed RTSP camera (rtsp-camera: 720p30, 1 s GOP, Digest auth). Camera connect -> first
 * access unit handed to the pipeline, for the native source (`RtspSource`, in-process) and the
 * ffmpeg source (`FfmpegSource`: an ffmpeg child, FLV on stdout), run in this process exactly as
 * the supervisor runs them. One unrecorded pair, then `--runs` pairs (default 7), interleaved
 * (native first in even pairs, ffmpeg first in odd ones). Before each run the camera is left
 * alone 1.5 s (it tears its shared pipeline down) plus a random 0-1 s, so every run joins the
 * GOP at a random phase; each run's key-frame wait, read from the camera's
 * `new pipeline, clip position P s` log line as in kit/cold-camera.ts, is also subtracted for a
 * phase-free comparison. Then the steady cost of each source: `--cost-seconds` (default 10) of
 * video from the 30th access unit on, CPU time of this process (user and system: on loopback the
 * kernel's receive work is the receiver's system time) plus its ffmpeg child, per wall second.
 *
 * Prints a table and a final JSON line. The camera and any ffmpeg are stopped in `finally` (and
 * on SIGINT/SIGTERM), then `ps` is checked for anything left.
 */
import { readFileSync } from "node:fs";
import { NETWORK_TIMEOUTS } from "../../src/pipeline/network-class.ts";
import { FfmpegSource } from "../../src/pipeline/source/ffmpeg-source.ts";
import { RtspSource } from "../../src/pipeline/source/rtsp-source.ts";
import type { Source } from "../../src/pipeline/source/source.ts";
import { startRtspCamera } from "../support/testbed.ts";
import { cleanup, intArg, leftovers, log, needles, now, runBench, trackPid } from "./kit/bench.ts";
import { r1, r3, stats } from "./kit/stats.ts";

const RUNS = intArg("--runs", 7);
const COST_S = intArg("--cost-seconds", 10);
const PASS = "bench-pw";
type Kind = "native" | "ffmpeg";

/** CPU seconds (user + system) of a process from /proc/PID/stat, 0 when it is gone. */
function cpuOf(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(f[11]) + Number(f[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return 0;
  }
}

/** Pids of this process's ffmpeg children (the ffmpeg source's URL is in a list file, not on its command line). */
function ffmpegChildren(): number[] {
  return Bun.spawnSync(["ps", "-eo", "pid=,ppid=,args="])
    .stdout.toString()
    .split("\n")
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => Number(f[1]) === process.pid && f.slice(2).join(" ").includes("ffmpeg"))
    .map((f) => Number(f[0]));
}

runBench(async () => {
  const cam = await startRtspCamera({ user: "admin", pass: PASS });
  trackPid(cam.pid);
  needles.push(`127.0.0.1:${cam.port}/`);
  const url = `rtsp://127.0.0.1:${cam.port}/stream1`;
  log(`camera ${url} (pid ${cam.pid}); ${RUNS} pairs after one unrecorded pair`);
  const make = (k: Kind): Source => (k === "native" ? new RtspSource() : new FfmpegSource());

  /** One session of `kind` until its first access unit, then stopped. @returns seconds to it */
  async function first(kind: Kind): Promise<number> {
    const ac = new AbortController();
    let at = NaN;
    const t0 = now();
    const guard = setTimeout(() => ac.abort(), 20_000);
    const err = await make(kind).run(
      session(kind, ac.signal, () => {
        at = (now() - t0) / 1000;
        ac.abort();
      }),
    );
    clearTimeout(guard);
    if (!Number.isFinite(at)) throw new Error(`${kind}: no access unit: ${err.name}: ${err.message}`);
    return at;
  }

  function session(kind: Kind, signal: AbortSignal, onUnit: () => void) {
    return {
      camera: {
        id: "bench",
        sourceUrl: url,
        username: "admin",
        password: PASS,
        network: "local" as const,
        sourceEngine: kind === "native" ? ("native" as const) : ("ffmpeg" as const),
      },
      timeouts: NETWORK_TIMEOUTS.local,
      redact: (t: string) => t.replaceAll(PASS, "***"),
      onAccessUnit: onUnit,
      onParameterSets: () => {},
      signal,
    };
  }

  /**
   * Steady cost: CPU of this process (user, system) and of the source's ffmpeg child over
   * COST_S seconds of video (30 fps), measured from the 30th access unit on, so that connecting
   * and JIT warm-up are left out.
   */
  async function steady(kind: Kind): Promise<{ user: number; system: number; child: number; wallS: number }> {
    const ac = new AbortController();
    const want = COST_S * 30;
    let n = 0;
    let c0 = process.cpuUsage();
    let child0 = 0;
    let t0 = 0;
    let out = { user: NaN, system: NaN, child: NaN, wallS: NaN };
    const childCpu = () => ffmpegChildren().reduce((sum, pid) => sum + cpuOf(pid), 0);
    const guard = setTimeout(() => ac.abort(), COST_S * 1000 + 20_000);
    await make(kind).run(
      session(kind, ac.signal, () => {
        n++;
        if (n === 30) {
          child0 = childCpu();
          c0 = process.cpuUsage();
          t0 = now();
        } else if (n === 30 + want) {
          const c = process.cpuUsage(c0);
          out = { user: c.user / 1e6, system: c.system / 1e6, child: childCpu() - child0, wallS: (now() - t0) / 1000 };
          ac.abort();
        }
      }),
    );
    clearTimeout(guard);
    if (!Number.isFinite(out.user)) throw new Error(`${kind}: fewer than ${30 + want} access units`);
    return out;
  }

  const newPipelines = () => (cam.output().match(/new pipeline/g) ?? []).length;
  const keyframeWait = (from: number) => {
    const m = cam
      .output()
      .slice(from)
      .match(/new pipeline, clip position ([\d.]+)s/);
    if (!m) return NaN;
    const frac = Number(m[1]) % 1;
    return frac < 0.0005 ? 0 : 1 - frac;
  };
  async function cold(kind: Kind): Promise<{ s: number; wait: number }> {
    await Bun.sleep(1500 + Math.random() * 1000);
    const before = newPipelines();
    const from = cam.output().length;
    const firstS = await first(kind);
    if (newPipelines() === before) log(`${kind}: the camera started no new pipeline (not cold)`);
    return { s: firstS, wait: keyframeWait(from) };
  }

  const warm = { native: await cold("native"), ffmpeg: await cold("ffmpeg") };
  log(`warm-up (not counted): native ${warm.native.s.toFixed(3)} s, ffmpeg ${warm.ffmpeg.s.toFixed(3)} s`);
  const res: Record<Kind, { s: number[]; minusWait: number[] }> = { native: { s: [], minusWait: [] }, ffmpeg: { s: [], minusWait: [] } };
  for (let i = 0; i < RUNS; i++) {
    const order: Kind[] = i % 2 === 0 ? ["native", "ffmpeg"] : ["ffmpeg", "native"];
    const line: string[] = [];
    for (const k of order) {
      const r = await cold(k);
      res[k].s.push(r.s);
      if (Number.isFinite(r.wait)) res[k].minusWait.push(r.s - r.wait);
      line.push(`${k} ${r.s.toFixed(3)} s (key frame after ${r.wait.toFixed(3)})`);
    }
    log(`run ${i + 1}/${RUNS}: ${line.join(", ")}`);
  }

  const cost = {} as Record<Kind, { user: number; system: number; child: number; totalPct: number }>;
  for (const k of ["native", "ffmpeg"] as Kind[]) {
    await Bun.sleep(1500);
    const c = await steady(k);
    cost[k] = { user: r3(c.user), system: r3(c.system), child: r3(c.child), totalPct: r1((100 * (c.user + c.system + c.child)) / c.wallS) };
    log(
      `${k}: ${COST_S * 30} access units in ${c.wallS.toFixed(2)} s: process user ${c.user.toFixed(3)} s + system ${c.system.toFixed(3)} s, ffmpeg child ${c.child.toFixed(2)} s`,
    );
  }

  const summary = {
    runs: RUNS,
    native: { ...stats(res.native.s), minusKeyframeWait: stats(res.native.minusWait) },
    ffmpeg: { ...stats(res.ffmpeg.s), minusKeyframeWait: stats(res.ffmpeg.minusWait) },
    cost,
  };
  const row = (k: Kind) =>
    `| ${k.padEnd(6)} | ${summary[k].median.toFixed(3)} s | ${summary[k].min.toFixed(3)}-${summary[k].max.toFixed(3)} s | ${summary[k].minusKeyframeWait.median.toFixed(3)} s | ${cost[k].totalPct}% (user ${cost[k].user} s, system ${cost[k].system} s, child ${cost[k].child} s) |`;
  console.log(
    `\n| source | connect -> first AU, median | range | minus key-frame wait, median | CPU of a core while streaming ${COST_S} s (process + ffmpeg child) |`,
  );
  console.log("|---|---|---|---|---|");
  console.log(row("native"));
  console.log(row("ffmpeg"));
  console.log(
    `native / ffmpeg (medians): ${r3(summary.native.median / summary.ffmpeg.median)}, minus key-frame wait: ${r3(summary.native.minusKeyframeWait.median / summary.ffmpeg.minusKeyframeWait.median)}`,
  );
  console.log(JSON.stringify(summary));
  await cleanup();
  const left = leftovers();
  if (left.length) throw new Error(`left running: ${left.join("; ")}`);
});
