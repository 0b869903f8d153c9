/**
 * Recording benchmark (not a bun test): `bun test/bench/recording.ts [--seconds S] [--cameras N]`.
 *
 * A. Recorder write time per access unit, in process: the test clip (720p30, 3 Mbit/s, 1 s
 *    GOP) as real access units fed to a pipeline at 30 fps for S seconds, with one fMP4
 *    recorder (4 s segments: each written to a temporary file, fsynced, renamed, the directory
 *    fsynced, its row inserted in SQLite) and one .h264 recorder attached. The time of each
 *    access unit (dequeued -> in its segment buffer or file) and of each durable segment write
 *    is taken from the recorder's own histograms' observations. Target: p99 < 10 ms.
 * B. N cameras recorded at once by camserver `start` (N camera ids on one test RTSP camera):
 *    CPU of the camserver process over S seconds with the N pipelines held but not recording
 *    (snapshot leases), then with N fMP4 recordings running; disk bytes written per minute
 *    (growth of RECORDINGS_DIR); the record write-time histogram from /metrics.
 * Recordings go to /tmp (the machine's root file system). Prints tables and a JSON line.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Redis from "ioredis";
import { openDatabase } from "../../src/db/open-database.ts";
import { recordingRepositories } from "../../src/db/recording-repositories.ts";
import { createLogger } from "../../src/log.ts";
import type { AccessUnit } from "../../src/media/access-unit.ts";
import { splitAnnexB } from "../../src/media/annexb.ts";
import { recordSegmentWriteSeconds, recordWriteSeconds } from "../../src/metrics.ts";
import { Pipeline } from "../../src/pipeline/pipeline.ts";
import { Recorder } from "../../src/pipeline/record/recorder.ts";
import { Keys } from "../../src/state/keys.ts";
import { LeaseStore } from "../../src/state/lease-store.ts";
import { startCamserver, tempDir, TEST_REDIS_URL, testPrefix } from "../support/camserver.ts";
import { clipsDir, startRtspCamera } from "../support/testbed.ts";
import { atCleanup, cleanup, intArg, log, runBench, trackDir, trackPid, trackPrefix, until } from "./kit/bench.ts";
import { treeCpuPercent, treePssMb } from "./kit/proc-tree.ts";
import { dist, pct, r1, r2 } from "./kit/stats.ts";

const SECONDS = intArg("--seconds", 60);
const CAMERAS = intArg("--cameras", 10);
const perFrame = capture(recordWriteSeconds);
const perSegment = capture(recordSegmentWriteSeconds);

/** The clip's access units (Annex-B from the MP4, one slice per picture), 3000 ticks apart. */
function clipAccessUnits(): AccessUnit[] {
  const dir = trackDir(mkdtempSync(join(tmpdir(), "bench-rec-clip-")));
  const out = join(dir, "clip.h264");
  const r = Bun.spawnSync(
    ["ffmpeg", "-nostdin", "-v", "error", "-i", `${clipsDir()}/cam720.mp4`, "-c:v", "copy", "-bsf:v", "h264_mp4toannexb", "-an", "-f", "h264", out],
    { timeout: 60_000 },
  );
  if (r.exitCode !== 0) throw new Error(`ffmpeg: ${r.stderr.toString()}`);
  const aus: AccessUnit[] = [];
  let pending: Uint8Array[] = [];
  for (const n of splitAnnexB(new Uint8Array(readFileSync(out)))) {
    pending.push(n);
    const t = n[0]! & 0x1f;
    if (t === 1 || t === 5) {
      aus.push({ nalus: pending, dts: 0, pts: 0, isKeyframe: t === 5 });
      pending = [];
    }
  }
  return aus;
}

/** Collects every value observed on a prom-client histogram, in ms. */
function capture(h: { observe: (v: number) => void }): number[] {
  const got: number[] = [];
  const orig = h.observe.bind(h);
  h.observe = (v: number) => {
    got.push(v * 1000);
    orig(v);
  };
  return got;
}

/** Per-access-unit and per-segment times of one recorder format fed at 30 fps for S seconds. */
async function inProcess(format: "fmp4" | "h264", aus: readonly AccessUnit[]): Promise<Record<string, unknown>> {
  const dir = trackDir(mkdtempSync(join(tmpdir(), "bench-rec-a-")));
  const database = await openDatabase({ url: join(dir, "db.sqlite"), dataDir: dir });
  const repos = recordingRepositories(database.db);
  const deps = { recordings: repos.recordings, segments: repos.recordingSegments, root: join(dir, "rec"), workerId: "bench", log: createLogger("warn") };
  perFrame.length = 0;
  perSegment.length = 0;
  const pipeline = new Pipeline();
  const id = `rec_bench${format}`;
  const rec = await repos.recordings.create({
    id,
    cameraId: "bench",
    path: format === "fmp4" ? `bench/${id}` : `bench/${id}/bench.h264`,
    format,
    trigger: "api",
    startedAt: Date.now(),
    segmentS: 4,
  });
  const r = new Recorder(deps, rec, pipeline);
  r.start();
  log(`A: feeding ${SECONDS} s of 720p30 to an ${format} recorder at 30 fps`);
  const t0 = performance.now();
  for (let i = 0; i < SECONDS * 30; i++) {
    const au = aus[i % aus.length]!;
    pipeline.push({ ...au, dts: i * 3000, pts: i * 3000, isKeyframe: au.isKeyframe });
    const wait = t0 + ((i + 1) * 1000) / 30 - performance.now();
    if (wait > 0) await Bun.sleep(wait);
  }
  await r.stop();
  const bytes = (await repos.recordings.get(id)).bytes;
  await database.close();
  const frames = [...perFrame];
  const summary = {
    frames: frames.length,
    perFrameMs: { ...dist(frames), p99: r2(pct(frames, 99)), p999: r2(pct(frames, 99.9)), first: r2(frames[0] ?? 0) },
    perFrameMsAfterFirst: { p99: r2(pct(frames.slice(1), 99)), max: r2(Math.max(...frames.slice(1))) },
    segmentWrites: perSegment.length,
    perSegmentWriteMs: perSegment.length > 0 ? dist([...perSegment]) : null,
    mbPerMinute: r2(((bytes / SECONDS) * 60) / 1e6),
  };
  log(`A ${format}: ${JSON.stringify(summary)}`);
  return summary;
}

function dirBytes(dir: string): number {
  let n = 0;
  const walk = (d: string) => {
    let names: string[] = [];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const name of names) {
      const p = join(d, name);
      const st = statSync(p, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) walk(p);
      else n += st.size;
    }
  };
  walk(dir);
  return n;
}

/** p50/p99 upper bounds from a Prometheus histogram's cumulative buckets. */
function histogramQuantiles(text: string, name: string): Record<string, string> {
  const buckets = [...text.matchAll(new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\d+)`, "gm"))].map((m) => [m[1]!, Number(m[2])] as const);
  const total = buckets.at(-1)?.[1] ?? 0;
  const q = (p: number) => buckets.find(([, c]) => c >= p * total)?.[0] ?? "?";
  return { count: String(total), p50_le_s: q(0.5), p99_le_s: q(0.99), p999_le_s: q(0.999) };
}

async function cameras(): Promise<Record<string, unknown>> {
  const cam = await startRtspCamera();
  const prefix = trackPrefix(testPrefix("bench-rec"));
  const recDir = trackDir(tempDir("bench-rec-b"));
  const cs = await startCamserver("start", {
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: prefix,
    DATA_DIR: trackDir(tempDir("bench-rec-data")),
    RECORDINGS_DIR: recDir,
  });
  trackPid(cs.proc.pid);
  const redis = new Redis(TEST_REDIS_URL);
  atCleanup(async () => void redis.disconnect());
  const leases = new LeaseStore(redis, new Keys(prefix));
  const ids = Array.from({ length: CAMERAS }, (_, i) => `rec${i}`);
  for (const id of ids) {
    const r = await cs.call("POST", "/v1/cameras", { id, name: id, source_url: cam.url });
    if (r.status !== 201) throw new Error(`camera ${id}: ${r.status} ${r.text}`);
    await leases.put(id, "snapshot", "bench", Date.now() + 3_600_000);
  }
  await until("every camera live", async () => (await cs.call("GET", "/v1/cameras")).json.every((c: any) => c.state === "live"), 60_000, 500);
  await Bun.sleep(5000);
  log(`B: ${CAMERAS} cameras held, not recording: measuring ${SECONDS} s`);
  const idleCpu = await treeCpuPercent([cs.proc.pid], SECONDS * 1000);
  const recIds: string[] = [];
  for (const id of ids) {
    const r = await cs.call("POST", "/v1/recordings", { camera_id: id });
    if (r.status !== 201) throw new Error(`recording ${id}: ${r.status} ${r.text}`);
    recIds.push(r.json.id);
  }
  await Bun.sleep(5000);
  log(`B: ${CAMERAS} cameras recording fMP4: measuring ${SECONDS} s`);
  const before = dirBytes(recDir);
  const recCpu = await treeCpuPercent([cs.proc.pid], SECONDS * 1000);
  const after = dirBytes(recDir);
  const pss = treePssMb([cs.proc.pid]);
  const metrics = await (await fetch(`${cs.base}/metrics`)).text();
  const dropped = [...metrics.matchAll(/^camserver_consumer_dropped_access_units_total\{[^}]*kind="record"[^}]*\} (\d+)/gm)].reduce(
    (n, m) => n + Number(m[1]),
    0,
  );
  for (const id of recIds) await cs.call("POST", `/v1/recordings/${id}/stop`);
  for (const id of ids) await leases.release(id, "snapshot", "bench");
  await cs.stop();
  const bytesPerMin = ((after - before) / SECONDS) * 60;
  return {
    cameras: CAMERAS,
    cpuPercentHeld: r1(idleCpu),
    cpuPercentRecording: r1(recCpu),
    recordingCpuPerCamera: r2((recCpu - idleCpu) / CAMERAS),
    diskMBPerMinute: r1(bytesPerMin / 1e6),
    diskMBPerMinutePerCamera: r2(bytesPerMin / 1e6 / CAMERAS),
    pssMb: r1(pss),
    droppedAccessUnits: dropped,
    writeSeconds: histogramQuantiles(metrics, "camserver_record_write_seconds"),
    segmentWriteSeconds: histogramQuantiles(metrics, "camserver_record_segment_write_seconds"),
  };
}

await runBench(async () => {
  const aus = clipAccessUnits();
  const a = { fmp4: await inProcess("fmp4", aus), h264: await inProcess("h264", aus) };
  const b = await cameras();
  log(`B: ${JSON.stringify(b)}`);
  console.log(JSON.stringify({ bench: "recording", seconds: SECONDS, inProcess: a, cameras: b }));
  await cleanup();
});
