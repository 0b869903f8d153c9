/**
 * Soak benchmark (not a bun test):
 *   `bun test/bench/soak.ts [--cycles N] [--parallel P] [--kill-every K] [--warmup W]`
 *
 * One camserver API and two workers (shared Redis prefix, a dedicated MariaDB database, one
 * recordings directory) in front of three cameras: a healthy test-bed RTSP camera, a hung
 * one (accepts TCP, never answers) and a flaky one (the healthy camera behind a proxy that
 * drops every connection 2 s after accept). `--cycles` (default 1000) cycles, `--parallel`
 * (default 3) at a time, each one of: an HLS start, a playlist read and a stop; a snapshot;
 * a WebRTC viewer (WHEP) that waits for a frame and leaves; a recording with
 * `max_duration_s` 2 (healthy camera). Every `--kill-every` (default 150) cycles worker B
 * is SIGKILLed and started again with the same WORKER_ID.
 *
 * After warm-up (`--warmup` cycles, default 150, at most a third of them) the RSS of the API and of worker A (never
 * killed) is sampled; at the end, after every session was stopped and the pipeline grace
 * passed, it prints: ffmpeg processes left (target 0), RSS growth (target < 10 %), Redis
 * keys of the prefix against the baseline taken before the first cycle, how many
 * recordings decode cleanly with ffmpeg (all of them), the outcome counts per kind and the
 * operations that took longer than the 20 s op timeout (with their eventual answer and how
 * long after a worker kill they started). The Redis count waits until the finished request
 * jobs are past their retention and swept (queues/finished-jobs.ts: up to 300 s + 30 s), or
 * until the per-request keys are back at the baseline if that comes first; it names every
 * key shape whose count differs, as per request (ids in the name: jobs, sessions, viewers;
 * target: the baseline) or per camera or queue (a fixed number: a queue's id counter and
 * event stream, a camera's status and last JPEG). A final JSON line has the same figures.
 * Everything is stopped in `finally`.
 */
import { readFileSync, writeFileSync } from "node:fs";
import Redis from "ioredis";
import { FINISHED_JOB_RETENTION, FINISHED_SWEEP_EVERY_MS } from "../../queues/finished-jobs.ts";
import { startCamserver, tempDir, testPrefix, TEST_REDIS_URL, TEST_TOKEN, type CamserverProcess } from "../support/camserver.ts";
import { createTestDatabase, type TestDatabase } from "../support/mysql.ts";
import { decodeErrors, probeDuration } from "../support/recording-probe.ts";
import { startBlackhole, startFlakyCamera, startRtspCamera, type TestbedServer } from "../support/testbed.ts";
import { connectWhep, type WhepViewer } from "../support/whep-client.ts";
import { atCleanup, cleanup, intArg, leftovers, log, needles, runBench, trackDir, trackPid, trackPrefix } from "./kit/bench.ts";

const CYCLES = intArg("--cycles", 1000);
const PARALLEL = intArg("--parallel", 3);
const KILL_EVERY = intArg("--kill-every", 150);
/** Cycles before the RSS baseline: a worker's RSS climbs for about the first 100 cycles. */
const WARMUP = Math.min(intArg("--warmup", 150), Math.floor(CYCLES / 3));
/** Longest one operation may take before it counts as hung, ms. */
const OP_TIMEOUT_MS = 20_000;

const CAMERAS = ["healthy", "hung", "flaky"] as const;
type CameraName = (typeof CAMERAS)[number];
type Kind = "hls" | "snapshot" | "whep" | "recording";

/** RSS of a process in MB (VmRSS of /proc). */
function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** ffmpeg processes whose command line names one of the cameras' ports. */
function ffmpegLeft(ports: number[]): number {
  const ps = Bun.spawnSync(["ps", "-eo", "stat=,args="]).stdout.toString().split("\n");
  return ps.filter((l) => !l.trim().startsWith("Z") && /\bffmpeg\b/.test(l) && ports.some((p) => l.includes(`:${p}/`))).length;
}

/** Keys of `prefix` grouped by shape (ids, numbers and camera names replaced by `*`). */
async function keyShapes(redis: Redis, prefix: string): Promise<Map<string, number>> {
  const shapes = new Map<string, number>();
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
    cursor = next;
    for (const k of keys) {
      const shape = k
        .slice(prefix.length)
        .replace(/(healthy|hung|flaky)/g, "<cam>")
        .replace(/[0-9a-f]{16,}|\b\d+\b|[A-Za-z0-9_-]{20,}/g, "*");
      shapes.set(shape, (shapes.get(shape) ?? 0) + 1);
    }
  } while (cursor !== "0");
  return shapes;
}
const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

/**
 * A key shape made per request (ids in its name: a job, a session, a viewer) or one of a
 * queue's finished sets: these must come back to the baseline. The others are one per camera
 * or per queue (a queue's id counter, event stream and meta, a camera's status).
 */
const perRequest = (shape: string) => shape.includes("*") || /:(completed|failed)$/.test(shape);
/** Keys of the per-request shapes. */
const perRequestKeys = (m: Map<string, number>) => [...m].filter(([shape]) => perRequest(shape)).reduce((a, [, n]) => a + n, 0);

/**
 * `p` or a rejection after `ms`. At that moment `onTimeout` is called; the function it returns
 * is told, when `p` settles, how long it took in all (ms) and what it settled with.
 */
function within<T>(p: Promise<T>, ms: number, what: string, onTimeout?: () => (tookMs: number, value: T | Error) => void): Promise<T> {
  const t0 = Date.now();
  let t: ReturnType<typeof setTimeout>;
  const timeout = new Promise<never>((_, rej) => {
    t = setTimeout(() => {
      const settled = onTimeout?.();
      if (settled)
        p.then(
          (v) => settled(Date.now() - t0, v),
          (e: Error) => settled(Date.now() - t0, e),
        );
      rej(new Error(`${what}: no answer within ${ms} ms`));
    }, ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(t));
}

async function main(): Promise<void> {
  const outcomes = new Map<string, number>();
  const count = (k: string): void => void outcomes.set(k, (outcomes.get(k) ?? 0) + 1);
  let db: TestDatabase | undefined;
  const redis = new Redis(TEST_REDIS_URL);
  atCleanup(async () => {
    redis.disconnect();
    await db?.drop().catch(() => {});
  });
  try {
    db = await createTestDatabase();
    const healthy = await startRtspCamera();
    const hung = await startBlackhole();
    const flakyProxy = await startFlakyCamera(`127.0.0.1:${healthy.port}`, ["--mode", "drop", "--after", "2"]);
    const flaky = { ...flakyProxy, url: `rtsp://127.0.0.1:${flakyProxy.port}/stream1` };
    const cams: Record<CameraName, TestbedServer> = { healthy, hung, flaky };
    const ports = Object.values(cams).map((c) => c.port);
    for (const c of Object.values(cams)) trackPid(c.pid), needles.push(`:${c.port}/`);
    const prefix = trackPrefix(testPrefix("soak"));
    const recordingsDir = trackDir(tempDir("soak-recordings"));
    const env = {
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
      DATABASE_URL: db.url,
      RECORDINGS_DIR: recordingsDir,
      PIPELINE_GRACE_MS: "1000",
      LOG_LEVEL: "warn",
    };
    const api = await startCamserver("api", { ...env, DATA_DIR: trackDir(tempDir("soak-api")) });
    const startWorker = (id: string) => startCamserver("worker", { ...env, DATA_DIR: trackDir(tempDir(`soak-${id}`)), WORKER_ID: id, LOG_LEVEL: "info" });
    const workerA = await startWorker("worker-a");
    let workerB: CamserverProcess = await startWorker("worker-b");
    for (const p of [api, workerA, workerB]) trackPid(p.pid);
    for (const name of CAMERAS) {
      const r = await api.call("POST", "/v1/cameras", { id: name, name, source_url: cams[name].url });
      if (r.status !== 201) throw new Error(`camera ${name}: ${r.status} ${r.text}`);
    }
    await Bun.sleep(2000);
    const baselineShapes = await keyShapes(redis, prefix);
    const baselineKeys = total(baselineShapes);
    const recordings: string[] = [];
    /** Operations that had no answer within OP_TIMEOUT_MS: when they started after the last kill, what came and when. */
    const slow: { cycle: number; tag: string; after_kill_s: number | null; took_ms: number | null; answer: string }[] = [];
    let lastKillAt: number | undefined;
    /** The `onTimeout` of `within` for cycle `i`: records the slow operation; `then` gets its late answer. */
    const slowOp =
      <T>(i: number, tag: string, startedAt: number, then?: (value: T) => void) =>
      () => {
        const entry = {
          cycle: i,
          tag,
          after_kill_s: lastKillAt === undefined ? null : (startedAt - lastKillAt) / 1000,
          took_ms: null as number | null,
          answer: "none",
        };
        slow.push(entry);
        log(`slow: cycle ${i} ${tag}, started ${entry.after_kill_s?.toFixed(1) ?? "-"} s after the last kill: no answer within ${OP_TIMEOUT_MS} ms`);
        return (tookMs: number, v: T | Error) => {
          entry.took_ms = tookMs;
          const status = (v as { status?: number }).status;
          entry.answer = v instanceof Error ? `error ${status ?? v.message.slice(0, 60)}` : status !== undefined ? String(status) : "viewer";
          log(`late answer: cycle ${i} ${tag} after ${tookMs} ms: ${entry.answer}`);
          if (!(v instanceof Error)) then?.(v);
        };
      };

    const op = async (i: number): Promise<void> => {
      const kind = (["hls", "snapshot", "whep", "recording"] as const)[i % 4] as Kind;
      const cam: CameraName = kind === "recording" || kind === "whep" ? (i % 3 === 0 ? "flaky" : "healthy") : CAMERAS[Math.floor(i / 4) % 3]!;
      const tag = `${kind}/${cam}`;
      const startedAt = Date.now();
      try {
        if (kind === "hls") {
          const start = api.call("POST", "/v1/streams/start", { camera_id: cam });
          // A start answered after the timeout is stopped when it comes, so no session is left.
          const s = await within(
            start,
            OP_TIMEOUT_MS,
            tag,
            slowOp(i, tag, startedAt, (v: Awaited<typeof start>) => {
              if (v.status === 200) void api.call("POST", "/v1/streams/stop", { session_id: v.json.session_id });
            }),
          );
          if (s.status !== 200) return count(`${tag} ${s.status}`);
          const pl = await within(fetch(`${api.base}${s.json.hls_url}`), OP_TIMEOUT_MS, tag, slowOp(i, `${tag} playlist`, startedAt));
          await pl.arrayBuffer();
          await api.call("POST", "/v1/streams/stop", { session_id: s.json.session_id });
          count(`${tag} playlist ${pl.status}`);
        } else if (kind === "snapshot") {
          const r = await within(api.call("GET", `/v1/cameras/${cam}/snapshot`), OP_TIMEOUT_MS, tag, slowOp(i, tag, startedAt));
          count(`${tag} ${r.status}`);
        } else if (kind === "whep") {
          // A viewer connected after the timeout leaves at once, so no viewer is left.
          const leave = (late: WhepViewer) => {
            if (late.location)
              void fetch(new URL(late.location, api.base), { method: "DELETE", headers: { authorization: `Bearer ${TEST_TOKEN}` } }).catch(() => {});
            void late.close();
          };
          const v = await within(connectWhep(api.base, cam, TEST_TOKEN), OP_TIMEOUT_MS, tag, slowOp(i, tag, startedAt, leave)).catch(
            (e: Error & { status?: number }) => {
              count(`${tag} ${e.status ?? e.message.slice(0, 40)}`);
              return undefined;
            },
          );
          if (!v) return;
          const t0 = Date.now();
          while (v.frames.length === 0 && Date.now() - t0 < 5000) await Bun.sleep(50);
          count(`${tag} ${v.frames.length > 0 ? "frames" : "no frames"}`);
          if (v.location) await fetch(new URL(v.location, api.base), { method: "DELETE", headers: { authorization: `Bearer ${TEST_TOKEN}` } }).catch(() => {});
          await v.close();
        } else {
          // A recording started after the timeout is checked with the others.
          const r = await within(
            api.call("POST", "/v1/recordings", { camera_id: cam, max_duration_s: 2 }),
            OP_TIMEOUT_MS,
            tag,
            slowOp(i, tag, startedAt, (late: { status: number; json: any }) => {
              if (late.status === 201) recordings.push(late.json.id);
            }),
          );
          if (r.status === 201) recordings.push(r.json.id);
          count(`${tag} ${r.status}`);
        }
      } catch (err) {
        count(`${tag} error: ${(err as Error).message.slice(0, 60)}`);
      }
    };

    let next = 0;
    let warm: { api: number; a: number } | undefined;
    const t0 = Date.now();
    const lane = async () => {
      for (;;) {
        const i = next++;
        if (i >= CYCLES) return;
        if (i > 0 && i % KILL_EVERY === 0) {
          log(`cycle ${i}: SIGKILL worker-b (${workerB.pid})`);
          await workerB.kill();
          lastKillAt = Date.now();
          workerB = await startWorker("worker-b");
          trackPid(workerB.pid);
        }
        if (i === WARMUP) {
          warm = { api: rssMb(api.pid), a: rssMb(workerA.pid) };
          log(`warm-up done at cycle ${i}: RSS api ${warm.api.toFixed(1)} MB, worker-a ${warm.a.toFixed(1)} MB`);
        }
        if (i % 50 === 0)
          log(
            `cycle ${i}/${CYCLES}, ${((Date.now() - t0) / 1000).toFixed(0)} s, RSS api ${rssMb(api.pid).toFixed(1)} MB, worker-a ${rssMb(workerA.pid).toFixed(1)} MB`,
          );
        await op(i);
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, lane));
    const elapsedS = (Date.now() - t0) / 1000;

    // Let recordings end and pipelines pass their grace.
    const pending = async () => {
      let open = 0;
      for (const id of recordings) if ((await api.call("GET", `/v1/recordings/${id}`)).json?.state === "recording") open++;
      return open;
    };
    for (let waited = 0; waited < 30_000 && (await pending()) > 0; waited += 1000) await Bun.sleep(1000);
    await Bun.sleep(4000);
    const end = { api: rssMb(api.pid), a: rssMb(workerA.pid) };
    const ffmpeg = ffmpegLeft(ports);

    let valid = 0;
    const invalid: string[] = [];
    const dir = trackDir(tempDir("soak-files"));
    for (const id of recordings) {
      const res = await fetch(`${api.base}/v1/recordings/${id}/file`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
      const file = `${dir}/${id}.mp4`;
      writeFileSync(file, new Uint8Array(await res.arrayBuffer()));
      const errors = res.status === 200 ? decodeErrors(file) : `HTTP ${res.status}`;
      if (!errors && probeDuration(file) > 0) valid++;
      else invalid.push(`${id}: ${errors.slice(0, 120)}`);
    }

    // Finished request jobs stay up to their retention and are swept every FINISHED_SWEEP_EVERY_MS:
    // count the keys once the last ones are past it, or once the per-request keys are back at the baseline.
    const retentionMs = FINISHED_JOB_RETENTION.failedS * 1000 + FINISHED_SWEEP_EVERY_MS + 10_000;
    const cyclesEnd = t0 + elapsedS * 1000;
    log(`waiting up to ${((cyclesEnd + retentionMs - Date.now()) / 1000).toFixed(0)} s for the finished-job retention before counting Redis keys`);
    let endShapes = await keyShapes(redis, prefix);
    while (perRequestKeys(endShapes) > perRequestKeys(baselineShapes) && Date.now() < cyclesEnd + retentionMs) {
      await Bun.sleep(5000);
      endShapes = await keyShapes(redis, prefix);
    }
    const keysWaitS = (Date.now() - cyclesEnd) / 1000;
    const endKeys = total(endShapes);
    const differing = [...new Set([...baselineShapes.keys(), ...endShapes.keys()])]
      .sort()
      .filter((shape) => (endShapes.get(shape) ?? 0) !== (baselineShapes.get(shape) ?? 0))
      .map((shape) => ({ shape, per_request: perRequest(shape), baseline: baselineShapes.get(shape) ?? 0, end: endShapes.get(shape) ?? 0 }));
    const growth = (a: number, b: number) => ((b - a) / a) * 100;
    const w = warm ?? end;
    console.log(`\nsoak: ${CYCLES} cycles, ${PARALLEL} at a time, worker-b killed every ${KILL_EVERY}, ${elapsedS.toFixed(0)} s`);
    console.log(`ffmpeg processes left:      ${ffmpeg} (target 0)`);
    console.log(`RSS api after warm-up:      ${w.api.toFixed(1)} -> ${end.api.toFixed(1)} MB (${growth(w.api, end.api).toFixed(1)} %, target < 10 %)`);
    console.log(`RSS worker-a after warm-up: ${w.a.toFixed(1)} -> ${end.a.toFixed(1)} MB (${growth(w.a, end.a).toFixed(1)} %, target < 10 %)`);
    console.log(
      `Redis keys of the prefix:   ${baselineKeys} before, ${endKeys} after (${keysWaitS.toFixed(0)} s after the last cycle); ` +
        `per request ${perRequestKeys(baselineShapes)} -> ${perRequestKeys(endShapes)} (target: the baseline)`,
    );
    for (const d of differing) console.log(`  ${d.shape.padEnd(48)} ${d.baseline} -> ${d.end}  ${d.per_request ? "per request" : "per camera or queue"}`);
    console.log(`recordings valid (ffmpeg):  ${valid}/${recordings.length}`);
    for (const line of invalid.slice(0, 10)) console.log(`  invalid ${line}`);
    console.log("outcomes:");
    for (const [k, n] of [...outcomes].sort()) console.log(`  ${k.padEnd(50)} ${n}`);
    console.log(`slower than ${OP_TIMEOUT_MS} ms:        ${slow.length} (started s after the last kill; negative: before it)`);
    for (const o of slow)
      console.log(
        `  cycle ${String(o.cycle).padStart(4)} ${o.tag.padEnd(24)} started ${o.after_kill_s?.toFixed(1) ?? "-"} s, answer ${o.answer}${o.took_ms === null ? "" : ` after ${o.took_ms} ms`}`,
      );
    console.log(
      JSON.stringify({
        cycles: CYCLES,
        elapsed_s: elapsedS,
        ffmpeg_left: ffmpeg,
        rss_mb: { warm: w, end },
        redis_keys: {
          baseline: baselineKeys,
          end: endKeys,
          per_request: { baseline: perRequestKeys(baselineShapes), end: perRequestKeys(endShapes) },
          waited_s: keysWaitS,
          differing,
        },
        recordings: { valid, total: recordings.length },
        outcomes: Object.fromEntries(outcomes),
        slow,
      }),
    );
  } finally {
    await cleanup();
    const left = leftovers();
    if (left.length) log(`left running: ${left.join("; ")}`);
  }
}

await runBench(main);
