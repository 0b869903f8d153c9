/**
 * Cold runs against one test-bed RTSP camera (720p30, 1 s GOP, digest auth) registered in a
 * camserver `start`: raw ffmpeg and camserver interleaved, the camera idle and left alone
 * before every run so each joins the GOP at a random phase, and each run's key-frame wait read
 * from the camera's log for a phase-free comparison. Times are in seconds unless named `Ms`.
 */
import { ffmpegPids, startCamserver, tempDir, testPrefix, TEST_REDIS_URL, type CamserverProcess } from "../../support/camserver.ts";
import { startRtspCamera, type TestbedServer } from "../../support/testbed.ts";
import { log, needles, trackDir, trackPid, trackPrefix, until } from "./bench.ts";
import { r3, stats, type Stats } from "./stats.ts";

/** The id of the bench camera in camserver. */
export const CAMERA_ID = "benchcam";
/** Camera left alone before a cold run so it tears its shared pipeline down (measure-baselines: 1.5 s). */
export const CAMERA_SETTLE_MS = 1500;

/** What a run measures: raw ffmpeg, or camserver. */
export type Kind = "raw" | "camserver";
/** One cold run: its time (s) and the stream time from the join to the camera's next key frame (s; NaN: no new pipeline). */
export interface ColdRun {
  s: number;
  wait: number;
}

/** The test-bed camera and the camserver it is registered in, with what a cold run needs of them. */
export class ColdCamera {
  constructor(
    readonly cam: TestbedServer,
    readonly server: CamserverProcess,
    /** camserver's DATA_DIR. */
    readonly dataDir: string,
    /** camserver's REDIS_PREFIX. */
    readonly prefix: string,
    /** Whether "idle" also waits for camserver's HLS muxer (an ffmpeg with `dataDir` on its command line). */
    private readonly idleWaitsForMuxer: boolean,
  ) {}

  /** The camera's RTSP port (on its ffmpeg clients' command lines as `127.0.0.1:PORT/`). */
  get port(): number {
    return this.cam.port;
  }

  /** How many times the camera has logged `new pipeline` (a client made it start its shared pipeline). */
  newPipelines(): number {
    return (this.cam.output().match(/new pipeline/g) ?? []).length;
  }

  /**
   * The camera logs `new pipeline, clip position P s` when a client makes it start its shared
   * pipeline; the clip has a key frame at every whole second, so that run's first key frame
   * came 1 - frac(P) s of stream after the join. Looks at the log from character `fromChar`.
   * @returns seconds; NaN when no new pipeline was logged (the run was not cold at the camera)
   */
  keyframeWait(fromChar: number): number {
    const m = this.cam
      .output()
      .slice(fromChar)
      .match(/new pipeline, clip position ([\d.]+)s/);
    if (!m) return NaN;
    const frac = Number(m[1]) % 1;
    return frac < 0.0005 ? 0 : 1 - frac;
  }

  /** Waits until no ffmpeg of the camera is left (its source, and the muxer if so set) and its state is `idle`. @returns ms waited */
  waitIdle(timeoutMs = 20_000): Promise<number> {
    const ffmpegNeedles = [`127.0.0.1:${this.port}/`, ...(this.idleWaitsForMuxer ? [this.dataDir] : [])];
    return until(
      "camera idle",
      async () => ffmpegNeedles.every((n) => ffmpegPids(n).length === 0) && (await this.server.call("GET", `/v1/cameras/${CAMERA_ID}`)).json?.state === "idle",
      timeoutMs,
      50,
    );
  }

  /** The camera idle, then untouched for CAMERA_SETTLE_MS plus a random 0-1 s (random GOP phase). */
  async settle(): Promise<void> {
    await this.waitIdle();
    await Bun.sleep(CAMERA_SETTLE_MS + Math.random() * 1000);
  }
}

/**
 * Starts the test-bed camera and a camserver `start` (external Redis, fresh data dir and
 * prefix, PIPELINE_GRACE_MS `graceMs`) with the camera registered as CAMERA_ID; records all
 * for the clean-up and logs `camera URL (pid), camserver BASE (pid), <note>`.
 */
export async function startColdCamera(o: {
  dirName: string;
  prefixName: string;
  graceMs: number;
  idleWaitsForMuxer: boolean;
  note: string;
}): Promise<ColdCamera> {
  const cam = await startRtspCamera({ user: "admin", pass: "secret" });
  trackPid(cam.pid);
  needles.push(`127.0.0.1:${cam.port}/`, `--port ${cam.port} `);
  const dataDir = trackDir(tempDir(o.dirName));
  needles.push(dataDir);
  const prefix = trackPrefix(testPrefix(o.prefixName));
  const server = await startCamserver("start", { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, DATA_DIR: dataDir, PIPELINE_GRACE_MS: String(o.graceMs) });
  trackPid(server.pid);
  const reg = await server.call("POST", "/v1/cameras", { id: CAMERA_ID, name: "Bench camera", source_url: cam.url });
  if (reg.status !== 201) throw new Error(`register camera: ${reg.status} ${reg.text}`);
  log(`camera ${cam.url.replace(/\/\/[^@]*@/, "//")} (pid ${cam.pid}), camserver ${server.base} (pid ${server.pid}), ${o.note}`);
  return new ColdCamera(cam, server, dataDir, prefix, o.idleWaitsForMuxer);
}

/** The runs of `compareCold`, in run order. */
export interface ColdComparison {
  /** The unrecorded first pair (s). */
  warmup: { raw: number; camserver: number };
  raw: number[];
  camserver: number[];
  /** Key-frame wait of each run (s; NaN: not cold at the camera). */
  rawWait: number[];
  camserverWait: number[];
  /** Measured runs in which the camera started a new pipeline, of `measuredRuns`. */
  coldPipelines: number;
  measuredRuns: number;
}

/**
 * One unrecorded pair, then `runs` pairs of cold runs, raw first in even pairs and camserver
 * first in odd ones, each after `camera.settle()`. `measure[kind]` does one run and returns
 * its time (s). `afterWarmup` runs after the unrecorded pair (reset what the runs collect).
 * Logs the warm-up and each pair, prefixed with `label` ("" or e.g. "cold ").
 */
export async function compareCold(
  camera: ColdCamera,
  runs: number,
  label: string,
  measure: Record<Kind, () => Promise<number>>,
  afterWarmup?: () => void,
): Promise<ColdComparison> {
  let coldPipelines = 0;
  let measuredRuns = 0;
  const one = async (kind: Kind): Promise<ColdRun> => {
    await camera.settle();
    const before = camera.newPipelines();
    const logFrom = camera.cam.output().length;
    const s = await measure[kind]();
    if (camera.newPipelines() > before) coldPipelines++;
    return { s, wait: camera.keyframeWait(logFrom) };
  };
  // One unrecorded pair first: Bun JIT, BullMQ queue scripts, page cache of ffmpeg.
  const warmup = { raw: (await one("raw")).s, camserver: (await one("camserver")).s };
  afterWarmup?.();
  coldPipelines = 0;
  log(`${label}warm-up (not counted): raw ${warmup.raw.toFixed(3)} s, camserver ${warmup.camserver.toFixed(3)} s`);
  const c: ColdComparison = { warmup, raw: [], camserver: [], rawWait: [], camserverWait: [], coldPipelines: 0, measuredRuns: 0 };
  for (let i = 0; i < runs; i++) {
    const order: Kind[] = i % 2 === 0 ? ["raw", "camserver"] : ["camserver", "raw"];
    const got: Partial<Record<Kind, ColdRun>> = {};
    for (const k of order) {
      got[k] = await one(k);
      measuredRuns++;
    }
    c.raw.push(got.raw!.s);
    c.camserver.push(got.camserver!.s);
    c.rawWait.push(got.raw!.wait);
    c.camserverWait.push(got.camserver!.wait);
    log(
      `${label}run ${i + 1}/${runs} (${order.join(" first, ")} second): raw ${got.raw!.s.toFixed(3)} s (key frame after ${got.raw!.wait.toFixed(3)}), camserver ${got.camserver!.s.toFixed(3)} s (key frame after ${got.camserver!.wait.toFixed(3)})`,
    );
  }
  c.coldPipelines = coldPipelines;
  c.measuredRuns = measuredRuns;
  return c;
}

/** `Stats` (s, 3 decimals) of a `ColdComparison`, as measured and minus each run's key-frame wait. */
export interface ColdSummary {
  raw: Stats;
  camserver: Stats;
  /** Median camserver / median raw. */
  ratio: number;
  /** Runs minus their key-frame wait (runs that were not cold at the camera left out). */
  rawMinusWait: Stats;
  camserverMinusWait: Stats;
  /** Ratio of the medians minus key-frame wait (the GOP phase removed). */
  ratioMinusWait: number;
}

/** Summarizes `c`: the runs as measured, and minus each run's key-frame wait (the GOP phase removed). */
export function summarizeCold(c: ColdComparison): ColdSummary {
  const raw = stats(c.raw);
  const camserver = stats(c.camserver);
  const minusWait = (xs: number[], ws: number[]) => xs.map((x, i) => x - ws[i]!).filter((x) => Number.isFinite(x));
  const rawMinusWait = stats(minusWait(c.raw, c.rawWait));
  const camserverMinusWait = stats(minusWait(c.camserver, c.camserverWait));
  return {
    raw,
    camserver,
    ratio: r3(camserver.median / raw.median),
    rawMinusWait,
    camserverMinusWait,
    ratioMinusWait: r3(camserverMinusWait.median / rawMinusWait.median),
  };
}
