/**
 * ffmpeg children in metrics: the role each one is counted under, how its end is counted,
 * with real ffmpeg processes; and the reaper's periodic pass over real marked leftovers.
 */
import { afterAll, describe, expect, it } from "bun:test";
import type { Subprocess } from "bun";
import { childRole, exitCategory } from "../../../src/proc/child-metrics.ts";
import { readProcStat } from "../../../src/proc/proc-stat.ts";
import { reapPeriodically } from "../../../src/proc/reaper.ts";
import { spawnChild, stopAllChildren } from "../../../src/proc/spawn-child.ts";
import { ffmpegChildren, ffmpegExitsTotal, reapedChildrenTotal } from "../../../src/metrics.ts";
import { FFMPEG_FOREVER, isGone, waitComm, waitGone } from "./proc-test-utils.ts";

const spawned: Subprocess[] = [];
afterAll(async () => {
  for (const p of spawned) p.kill("SIGKILL");
  await Promise.all(spawned.map((p) => p.exited));
  await stopAllChildren("test cleanup");
});

/** The value of the series of `metric` whose labels include `labels` (0 when there is none). */
async function value(metric: { get(): Promise<{ values: { labels: object; value: number }[] }> }, labels: Record<string, string>): Promise<number> {
  const v = (await metric.get()).values.find((x) => Object.entries(labels).every(([k, l]) => (x.labels as Record<string, unknown>)[k] === l));
  return v?.value ?? 0;
}

describe("the role of an ffmpeg child", () => {
  it.each([
    [["ffmpeg", "-i", "rtsp://cam", "-c:v", "copy", "-f", "flv", "pipe:1"], "source cam-1", "source"],
    [["ffmpeg", "-i", "rtsp://cam", "-c:v", "libx264", "-f", "flv", "pipe:1"], "source cam-1", "transcode"],
    [["ffmpeg", "-f", "h264", "-i", "pipe:0", "-frames:v", "1", "-f", "image2", "pipe:1"], "snapshot decoder", "decoder"],
    [["ffmpeg", "-f", "flv", "-i", "pipe:0", "-f", "hls", "x.m3u8"], "hls segmenter", "segmenter"],
    [["ffmpeg", "-version"], "probe", "other"],
  ])("counts %j labelled %s as %s", (cmd, label, role) => {
    expect(childRole(cmd, label)).toBe(role as ReturnType<typeof childRole>);
  });
});

describe("how an ffmpeg child's end is counted", () => {
  it.each([
    ["exit", null, "exit"],
    ["timeout", null, "timeout"],
    ["connect timeout", "SIGINT", "timeout"],
    ["stall", null, "stall"],
    ["stopped", null, "stop"],
    ["lease-expired", null, "stop"],
    ["stall", "SIGKILL", "killed"],
    ["exit", "SIGKILL", "killed"],
  ])("reason %s with signal %p is %s", (reason, signal, category) => {
    expect(exitCategory(reason, signal)).toBe(category as ReturnType<typeof exitCategory>);
  });

  it("counts a live source while it runs and its stop once it has ended", async () => {
    const before = await value(ffmpegExitsTotal, { role: "source", reason: "stop" });
    const child = spawnChild({ cmd: FFMPEG_FOREVER, label: "source cam-metrics" });
    await waitComm(child.pid, "ffmpeg");
    expect(await value(ffmpegChildren, { role: "source" })).toBe(1);
    await child.stop("lease-expired");
    expect(await value(ffmpegChildren, { role: "source" })).toBe(0);
    expect(await value(ffmpegExitsTotal, { role: "source", reason: "stop" })).toBe(before + 1);
  });

  it("counts a decoder past its whole-life timeout as a timeout", async () => {
    const before = await value(ffmpegExitsTotal, { role: "decoder", reason: "timeout" });
    const child = spawnChild({ cmd: FFMPEG_FOREVER, label: "snapshot decoder", timeoutMs: 300 });
    await child.exited;
    expect(await value(ffmpegExitsTotal, { role: "decoder", reason: "timeout" })).toBe(before + 1);
    expect(await value(ffmpegChildren, { role: "decoder" })).toBe(0);
  });

  it("counts an ffmpeg killed from outside as killed, and a non-ffmpeg child not at all", async () => {
    const before = await value(ffmpegExitsTotal, { role: "other", reason: "killed" });
    const child = spawnChild({ cmd: FFMPEG_FOREVER, label: "probe" });
    const sleeper = spawnChild({ cmd: ["sleep", "1000"], label: "source not-ffmpeg" });
    await waitComm(child.pid, "ffmpeg");
    expect(await value(ffmpegChildren, { role: "source" })).toBe(0);
    process.kill(child.pid, "SIGKILL");
    await child.exited;
    await sleeper.stop();
    expect(await value(ffmpegExitsTotal, { role: "other", reason: "killed" })).toBe(before + 1);
  });
});

describe("the periodic reaper", () => {
  it("kills a leftover of a dead owner on its next pass and counts it", async () => {
    const owner = Bun.spawn(["sleep", "1000"]);
    await waitComm(owner.pid, "sleep");
    const marker = `${owner.pid}:${readProcStat(owner.pid)!.startTime}`;
    owner.kill("SIGKILL");
    await owner.exited;
    const orphan = Bun.spawn(["sleep", "1000"], { env: { ...process.env, CAMSERVER_CHILD: marker }, detached: true, stdio: ["ignore", "ignore", "ignore"] });
    spawned.push(orphan);
    await waitComm(orphan.pid, "sleep");
    const before = await value(reapedChildrenTotal, {});
    const stop = reapPeriodically(100);
    try {
      await waitGone(orphan.pid, 3000);
    } finally {
      await stop();
    }
    expect(isGone(orphan.pid)).toBe(true);
    expect(await value(reapedChildrenTotal, {})).toBeGreaterThanOrEqual(before + 1);
  });
});
