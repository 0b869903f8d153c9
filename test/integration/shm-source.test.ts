/**
 * ShmSource against the real stand-in camera daemon (`bun run shm-camera`, one ffmpeg
 * demuxing cam720.mp4: 1280x720, 30 fps, GOP 30): access units with keyframes carrying
 * SPS/PPS in-band, a stall when the writer is SIGSTOPped, a missing ring, a ring that is
 * not H.264, a ring without frames, and a ring recreated under the same name.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { CameraTimeoutError, CameraUnreachableError } from "../../src/errors.ts";
import { NalType } from "../../src/media/nal.ts";
import { FrameFormat, ringBytes, RingWriter } from "../../src/media/shm/index.ts";
import { registry } from "../../src/metrics.ts";
import { monotonicMicros } from "../../src/pipeline/source/monotonic-clock.ts";
import { SourceLostError } from "../../src/pipeline/source/source.ts";
import { stopAll, type Background } from "../support/background.ts";
import { clipsDir } from "../support/testbed.ts";
import { leftoverRings, quantile, removeRings, ringName, runShmSession, startShmCamera } from "./fixtures/shm-writers.ts";
import type { NalUnit } from "../../src/media/nal-unit.ts";
import { nalType } from "../../src/media/nal.ts";

let clip = "";
beforeAll(() => {
  clip = `${clipsDir()}/cam720.mp4`;
});
afterAll(async () => {
  await stopAll();
  removeRings();
});

const types = (nalus: readonly NalUnit[]) => nalus.map(nalType);

/** A ring laid out by the TypeScript writer, mapped writable in this process. */
async function tsRing(name: string) {
  const path = `/dev/shm/${name}`;
  await Bun.write(path, new Uint8Array(ringBytes(8, 4096)));
  return RingWriter.init(Bun.mmap(path), { slotCount: 8, slotSize: 4096, generation: 1 });
}

describe("ShmSource with the shm-camera stand-in", () => {
  it("hands on 30 access units a second, keyframes first and with SPS/PPS in-band, in real time", async () => {
    const name = ringName("live");
    const cam = await startShmCamera(clip, name);
    const run = await runShmSession(name, { stopAfterMs: 3000 });
    await cam.stop();
    expect(run.end).toBeInstanceOf(SourceLostError); // the abort
    const { aus } = run;
    // 3 s at 30 fps, plus up to one GOP replayed from the ring at the start.
    expect(aus.length).toBeGreaterThanOrEqual(80);
    expect(aus.length).toBeLessThanOrEqual(125);
    expect(aus[0]!.isKeyframe).toBe(true);
    const keyframes = aus.filter((a) => a.isKeyframe);
    expect(keyframes.length).toBeGreaterThanOrEqual(3);
    for (const k of keyframes) expect(types(k.nalus)).toEqual(expect.arrayContaining([NalType.SPS, NalType.PPS, NalType.IDR]));
    for (const a of aus.filter((x) => !x.isKeyframe)) expect(types(a.nalus)).not.toContain(NalType.IDR);
    // Keyframes every 30 frames (GOP 30), decoding times 1/30 s apart and increasing.
    const keyIdx = aus.flatMap((a, i) => (a.isKeyframe ? [i] : []));
    for (let i = 1; i < keyIdx.length; i++) expect(keyIdx[i]! - keyIdx[i - 1]!).toBe(30);
    const steps = aus.slice(1).map((a, i) => a.dts - aus[i]!.dts);
    expect(Math.min(...steps)).toBeGreaterThan(0);
    expect(quantile(steps, 0.5)).toBeGreaterThan(2700);
    expect(quantile(steps, 0.5)).toBeLessThan(3300);
    // One set of parameter sets (the clip's), told once.
    expect(run.parameterSets.length).toBe(1);
    expect(types(run.parameterSets[0]!.sps)).toEqual([NalType.SPS]);
    expect(run.source.stats.skippedTorn).toBe(0);
    expect(run.source.stats.skippedBehind).toBe(0);
    // Live frames (after the replayed GOP) arrive within a few poll periods.
    const live = run.latencyUs.slice(40);
    console.log(
      `shm-camera -> onAccessUnit latency p50 ${(quantile(live, 0.5) / 1000).toFixed(2)} ms, p99 ${(quantile(live, 0.99) / 1000).toFixed(2)} ms, first media after ${run.firstMediaAfterMs?.toFixed(1)} ms`,
    );
    expect(quantile(live, 0.5)).toBeLessThan(10_000);
    expect(run.firstMediaAfterMs).toBeLessThan(500);
    const metrics = await registry.getSingleMetricAsString("camserver_shm_frames_read_total");
    expect(metrics).toContain(`camera="shm-${name}"`);
  }, 60_000);

  it("ends with a stall when the writer is stopped (SIGSTOP), after the stall timeout", async () => {
    const name = ringName("stall");
    const cam = await startShmCamera(clip, name);
    let stoppedAt = 0;
    const run = await runShmSession(name, {
      timeouts: { stallMs: 1500 },
      stopAfterMs: 15_000,
      onAccessUnit: (_au, n) => {
        if (n === 45) {
          process.kill(cam.pid, "SIGSTOP");
          stoppedAt = performance.now();
        }
      },
    });
    const stalledAfter = performance.now() - stoppedAt;
    process.kill(cam.pid, "SIGCONT");
    await cam.stop();
    expect(run.end).toBeInstanceOf(SourceLostError);
    expect(run.end.message).toContain("stalled");
    expect(run.end.message).toContain(name);
    expect(stalledAfter).toBeGreaterThan(1400);
    expect(stalledAfter).toBeLessThan(2500);
  }, 60_000);

  it("answers a missing ring at once with CameraUnreachableError naming the ring, not the host path", async () => {
    const run = await runShmSession(ringName("missing"));
    expect(run.end).toBeInstanceOf(CameraUnreachableError);
    expect((run.end as CameraUnreachableError).status).toBe(502);
    expect(run.end.message).toMatch(/shm ring "cstest-missing-[^"]+" does not exist/);
    expect(run.end.message).not.toContain("/dev/shm");
    expect(run.elapsedMs).toBeLessThan(100);
  });

  it("refuses a ring of NV12 frames: only format 3 (H.264) is served", async () => {
    const name = ringName("nv12");
    const w = await tsRing(name);
    w.write({ data: new Uint8Array(1000), timestampUs: monotonicMicros(), format: FrameFormat.NV12, flags: 1 });
    const run = await runShmSession(name, { stopAfterMs: 3000 });
    expect(run.end).toBeInstanceOf(CameraUnreachableError);
    expect(run.end.message).toContain("carries NV12 frames; only format 3 (H.264) is served");
  });

  it("times out with CameraTimeoutError when a ring exists but no frame comes within connectMs", async () => {
    const name = ringName("silent");
    await tsRing(name);
    const run = await runShmSession(name, { timeouts: { connectMs: 800 }, stopAfterMs: 5000 });
    expect(run.end).toBeInstanceOf(CameraTimeoutError);
    expect(run.end.message).toContain("no frame came");
    expect(run.elapsedMs).toBeGreaterThan(790);
    expect(run.elapsedMs).toBeLessThan(1500);
  });

  it("refuses a file that is not a camserver ring", async () => {
    const name = ringName("alien");
    await Bun.write(`/dev/shm/${name}`, new TextEncoder().encode("PostgreSQL shared memory, not ours".padEnd(4096, ".")));
    const run = await runShmSession(name, { stopAfterMs: 3000 });
    expect(run.end).toBeInstanceOf(CameraUnreachableError);
    expect(run.end.message).toContain("is not a camserver ring");
  });

  const restarts = [
    { how: "removed and created anew (SIGTERM: the stand-in unlinks its ring)", stop: (b: Background) => b.stop() },
    { how: "laid out anew in the same file (SIGKILL: the ring stays, a new generation)", stop: (b: Background) => b.kill() },
  ];
  for (const { how, stop } of restarts) {
    it(`maps a ring ${how} and goes on, decoding times still increasing`, async () => {
      const name = ringName("again");
      const first = await startShmCamera(clip, name);
      let second: Background | undefined;
      let restarted = false;
      const arrivals: number[] = [];
      const run = await runShmSession(name, {
        timeouts: { stallMs: 15_000 },
        stopAfterMs: 30_000,
        onAccessUnit: (_au, n) => {
          arrivals.push(performance.now());
          if (n === 40 && !restarted) {
            restarted = true;
            void stop(first).then(async () => (second = await startShmCamera(clip, name)));
          }
        },
        stopAfterAus: 140,
      });
      await second?.stop();
      expect(run.aus.length).toBe(140);
      const steps = run.aus.slice(1).map((a, i) => a.dts - run.aus[i]!.dts);
      expect(Math.min(...steps)).toBeGreaterThan(0);
      // The longest pause from the 40th access unit on is the writer's restart (a new process: well
      // over the 33 ms between frames); the first access unit after it is a keyframe of the new ring.
      let resumed = 40;
      for (let i = 41; i < arrivals.length; i++) if (arrivals[i]! - arrivals[i - 1]! > arrivals[resumed]! - arrivals[resumed - 1]!) resumed = i;
      expect(arrivals[resumed]! - arrivals[resumed - 1]!).toBeGreaterThan(100);
      expect(run.aus[resumed]!.isKeyframe).toBe(true);
      expect(leftoverRings().filter((r) => r === name).length).toBeLessThanOrEqual(1);
    }, 60_000);
  }
});
