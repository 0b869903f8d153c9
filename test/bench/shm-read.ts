/**
 * `bun test/bench/shm-read.ts [--seconds 10] [--cameras 10]`: what reading shm rings costs
 * in one Bun process. Measures process CPU (user + system, % of one core) and the
 * writer -> onAccessUnit latency of ShmSource:
 *   - one camera at 30 fps (the shm-camera stand-in on cam720.mp4, 1280x720 ~3 Mbit/s),
 *     polling every 2, 4 and 8 ms;
 *   - --cameras rings at 30 fps at once (C writers looping the 320x240 fixture clip);
 *   - idle: rings that exist but do not advance (1 and --cameras of them), every 4 ms.
 * Writers run in their own processes and are not counted.
 */
import { existsSync, rmSync, unlinkSync } from "node:fs";
import { ringBytes, RingWriter } from "../../src/media/shm/index.ts";
import { monotonicMicros } from "../../src/pipeline/source/monotonic-clock.ts";
import { ShmSource } from "../../src/pipeline/source/shm-source.ts";
import { startBackground } from "../support/background.ts";
import { clipsDir } from "../support/testbed.ts";
import { accessUnitsOf, compileCWriter, writeFramesFile } from "../integration/fixtures/shm-writers.ts";
import { fixture } from "../unit/media/fixtures.ts";
import { atCleanup, cleanup, intArg, log, runBench, trackPid } from "./kit/bench.ts";
import { pct, r2 } from "./kit/stats.ts";

const SECONDS = intArg("--seconds", 10);
const CAMERAS = intArg("--cameras", 10);
const rings: string[] = [];

function ring(what: string): string {
  const name = `cstest-bench-${what}-${process.pid}`;
  rings.push(name);
  return name;
}

/** Runs ShmSource sessions on `names` for SECONDS; returns CPU % of one core and latencies (us). */
async function measure(names: string[], pollMs: number): Promise<{ cpu: number; aus: number; lat: number[]; skipped: number }> {
  const ac = new AbortController();
  const lat: number[] = [];
  let aus = 0;
  const sources: ShmSource[] = [];
  const sessions = names.map((name) => {
    const src = new ShmSource({ pollMs });
    sources.push(src);
    return src.run({
      camera: { id: `bench-${name}`, sourceUrl: `shm://${name}`, username: null, password: null, network: "local", sourceEngine: "auto" },
      timeouts: { connectMs: 600_000, readMs: 3000, stallMs: 600_000 },
      redact: (t) => t,
      onAccessUnit: () => {
        aus++;
        lat.push(monotonicMicros() - src.stats.lastTimestampUs);
      },
      onParameterSets: () => undefined,
      signal: ac.signal,
    });
  });
  await Bun.sleep(1000); // the replayed GOP and JIT warm-up are not measured
  aus = 0;
  lat.length = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await Bun.sleep(SECONDS * 1000);
  const c = process.cpuUsage(c0);
  const wall = performance.now() - t0;
  ac.abort();
  await Promise.all(sessions);
  const skipped = sources.reduce((n, s) => n + s.stats.skippedTorn + s.stats.skippedBehind, 0);
  return { cpu: ((c.user + c.system) / 1000 / wall) * 100, aus, lat, skipped };
}

await runBench(async () => {
  atCleanup(async () => {
    for (const r of rings) if (existsSync(`/dev/shm/${r}`)) unlinkSync(`/dev/shm/${r}`);
  });
  const live = ring("live");
  const cam = startBackground(["bun", `${import.meta.dir}/../../infra/shm/shm-camera.ts`, "--clip", `${clipsDir()}/cam720.mp4`, "--name", live]);
  trackPid(cam.pid);
  await cam.waitFor(/ready:/, 30_000);
  const rows: string[] = [];
  for (const pollMs of [2, 4, 8]) {
    const m = await measure([live], pollMs);
    const ms = m.lat.map((u) => u / 1000);
    rows.push(
      `| 1 camera 720p30, poll ${pollMs} ms | ${r2(m.cpu)} % | ${m.aus} AUs in ${SECONDS} s, ${m.skipped} skipped | p50 ${r2(pct(ms, 50))} / p99 ${r2(pct(ms, 99))} / max ${r2(Math.max(...ms))} ms |`,
    );
    log(rows.at(-1)!);
  }
  await cam.stop();
  const c = compileCWriter();
  atCleanup(async () => rmSync(c.dir, { recursive: true, force: true }));
  await writeFramesFile(`${c.dir}/frames`, accessUnitsOf(fixture("clip320.h264")));
  const many: string[] = [];
  for (let i = 0; i < CAMERAS; i++) {
    const name = ring(`c${i}`);
    const w = startBackground([c.binary, "stream", name, `${c.dir}/frames`, "30", "0"]);
    trackPid(w.pid);
    await w.waitFor(/ready/);
    many.push(name);
  }
  {
    const m = await measure(many, 4);
    const ms = m.lat.map((u) => u / 1000);
    rows.push(
      `| ${CAMERAS} cameras 320x240 at 30 fps, poll 4 ms | ${r2(m.cpu)} % | ${m.aus} AUs in ${SECONDS} s, ${m.skipped} skipped | p50 ${r2(pct(ms, 50))} / p99 ${r2(pct(ms, 99))} / max ${r2(Math.max(...ms))} ms |`,
    );
    log(rows.at(-1)!);
  }
  const idle: string[] = [];
  for (let i = 0; i < CAMERAS; i++) {
    const name = ring(`idle${i}`);
    await Bun.write(`/dev/shm/${name}`, new Uint8Array(ringBytes(8, 4096)));
    RingWriter.init(Bun.mmap(`/dev/shm/${name}`), { slotCount: 8, slotSize: 4096, generation: 1 });
    idle.push(name);
  }
  for (const n of [1, CAMERAS]) {
    const m = await measure(idle.slice(0, n), 4);
    rows.push(`| ${n} idle ring(s), poll 4 ms | ${r2(m.cpu)} % | | |`);
    log(rows.at(-1)!);
  }
  console.log(["| what | CPU (one core) | frames | writer -> onAccessUnit |", "|---|---|---|---|", ...rows].join("\n"));
  await cleanup();
});
