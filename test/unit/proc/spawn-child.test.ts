/**
 * spawnChild with real processes: ffmpeg streaming a lavfi test pattern (endless),
 * ffmpeg failing, and one bash that ignores SIGINT for the escalation test.
 */
import { afterEach, describe, expect, it } from "bun:test";
import { ProcessExitError, ProcessTimeoutError } from "../../../src/proc/errors.ts";
import { readProcStat } from "../../../src/proc/proc-stat.ts";
import { exitError, liveChildren, spawnChild, stopAllChildren } from "../../../src/proc/spawn-child.ts";
import { FFMPEG_FOREVER, groupMembers, isGone, psFinds, sessionOf, waitComm, waitPsGone } from "./proc-test-utils.ts";

const redactUrl = (text: string) => text.replace(/\/\/[^/@\s]*@/g, "//***@");

afterEach(async () => {
  await stopAllChildren("test cleanup");
});

describe("spawnChild", () => {
  it("reports the command's own pid, which leads its own process group and session", async () => {
    const child = spawnChild({ cmd: FFMPEG_FOREVER, label: "pid check" });
    await waitComm(child.pid, "ffmpeg");
    const stat = readProcStat(child.pid)!;
    expect(stat.pgid).toBe(child.pid);
    expect(await sessionOf(child.pid)).toBe(child.pid);
    expect(stat.pgid).not.toBe(readProcStat("self")!.pgid);
    await child.stop();
  });

  it("marks the child with this process's pid and start time", async () => {
    const child = spawnChild({ cmd: FFMPEG_FOREVER, label: "marker", env: { EXTRA: "1" } });
    await waitComm(child.pid, "ffmpeg");
    const environ = (await Bun.file(`/proc/${child.pid}/environ`).text()).split("\0");
    const self = readProcStat("self")!;
    expect(environ).toContain(`CAMSERVER_CHILD=${process.pid}:${self.startTime}`);
    expect(environ).toContain("EXTRA=1");
    await child.stop();
  });

  it("stops a streaming ffmpeg with SIGINT, reaps it, and ps no longer finds it", async () => {
    const child = spawnChild({ cmd: FFMPEG_FOREVER, label: "stop" });
    await waitComm(child.pid, "ffmpeg");
    await Bun.sleep(300); // let it stream
    expect(liveChildren()).toContain(child);
    const start = performance.now();
    const exit = await child.stop();
    const stopMs = performance.now() - start;
    console.log(`stop() of a streaming ffmpeg: ${stopMs.toFixed(1)} ms, exit ${JSON.stringify(exit)}`);
    expect(exit.reason).toBe("stopped");
    expect(exit.signal === "SIGINT" || exit.code !== null).toBe(true);
    expect(stopMs).toBeLessThan(1000);
    expect(psFinds(child.pid)).toBe(false);
    expect(liveChildren()).not.toContain(child);
    expect(exitError(exit, { label: "stop" })).toBeNull();
  });

  it("returns the same promise from every stop() and keeps the first reason", async () => {
    const child = spawnChild({ cmd: FFMPEG_FOREVER, label: "idempotent" });
    const first = child.stop("lease-expired");
    const second = child.stop("stall");
    expect(second).toBe(first);
    expect((await first).reason).toBe("lease-expired");
    expect((await child.stop("again")).reason).toBe("lease-expired");
  });

  it("stops a child at once even before setsid has run", async () => {
    const start = performance.now();
    const child = spawnChild({ cmd: FFMPEG_FOREVER, label: "early stop", killGraceMs: 5000 });
    const exit = await child.stop();
    expect(performance.now() - start).toBeLessThan(1000);
    expect(exit.reason).toBe("stopped");
    expect(isGone(child.pid)).toBe(true);
  });

  it("stops the child with reason timeout when timeoutMs runs out", async () => {
    const opts = { cmd: FFMPEG_FOREVER, label: "timeout", timeoutMs: 300 };
    const start = performance.now();
    const child = spawnChild(opts);
    const exit = await child.exited;
    const elapsed = performance.now() - start;
    expect(exit.reason).toBe("timeout");
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(1500);
    expect(psFinds(child.pid)).toBe(false);
    const err = exitError(exit, opts);
    expect(err).toBeInstanceOf(ProcessTimeoutError);
    expect(err?.name).toBe("ProcessTimeoutError");
    expect((err as ProcessTimeoutError).timeoutMs).toBe(300);
  });

  it("stops the child with reason aborted when its signal aborts", async () => {
    const controller = new AbortController();
    const child = spawnChild({ cmd: FFMPEG_FOREVER, label: "abort", signal: controller.signal });
    await waitComm(child.pid, "ffmpeg");
    controller.abort();
    const exit = await child.exited;
    expect(exit.reason).toBe("aborted");
    expect(psFinds(child.pid)).toBe(false);
  });

  it("throws and spawns nothing when the signal is already aborted", () => {
    const before = liveChildren().length;
    expect(() => spawnChild({ cmd: FFMPEG_FOREVER, label: "pre-aborted", signal: AbortSignal.abort() })).toThrow();
    expect(liveChildren().length).toBe(before);
  });

  it("SIGKILLs the whole group after the grace period when the child ignores SIGINT", async () => {
    // bash is the direct child here; its sleep inherits the ignored SIGINT and the group.
    const logs: string[] = [];
    const child = spawnChild({
      cmd: ["bash", "-c", 'trap "" INT; sleep 1000; true'],
      label: "stubborn",
      killGraceMs: 300,
      log: (msg) => logs.push(msg),
    });
    let members: number[] = [];
    for (let i = 0; i < 200 && members.length < 2; i++) {
      await Bun.sleep(5);
      members = groupMembers(child.pid);
    }
    expect(members.length).toBe(2);
    const start = performance.now();
    const exit = await child.stop();
    const elapsed = performance.now() - start;
    expect(exit.signal).toBe("SIGKILL");
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(1300);
    expect(psFinds(child.pid)).toBe(false);
    // The orphaned sleep dies with the group; PID 1 reaps its zombie later (about 1.5 s in our sandbox).
    for (const pid of members.filter((p) => p !== child.pid)) {
      expect(isGone(pid)).toBe(true);
      console.log(`grandchild ${pid} left ps after ${(await waitPsGone(pid, 5000)).toFixed(1)} ms`);
    }
    expect(logs).toEqual([`stubborn: no exit 300 ms after SIGINT, sending SIGKILL to process group ${child.pid}`]);
  });

  it("reports exit, code and stderr when the child ends on its own", async () => {
    const opts = { cmd: ["ffmpeg", "-nostdin", "-hide_banner", "-i", "/nonexistent/in.mp4"], label: "bad input" };
    const exit = await spawnChild(opts).exited;
    expect(exit.reason).toBe("exit");
    expect(exit.code).toBe(1);
    expect(exit.signal).toBeNull();
    expect(exit.stderrTail).toContain("No such file or directory");
    const err = exitError(exit, opts);
    expect(err).toBeInstanceOf(ProcessExitError);
    expect(err?.message).toStartWith("bad input: exited with code 1: ");
  });

  it("ends with code 127 and setsid's message when the command does not exist", async () => {
    const exit = await spawnChild({ cmd: ["/nonexistent/ffmpeg"], label: "missing" }).exited;
    expect(exit.code).toBe(127);
    expect(exit.stderrTail).toContain("failed to execute /nonexistent/ffmpeg");
  });

  it("keeps a bounded stderr tail with credentials redacted", async () => {
    const url = "rtsp://admin:hunter2@127.0.0.1:1/stream";
    const exit = await spawnChild({
      cmd: ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "debug", "-rtsp_transport", "tcp", "-i", url],
      label: "redact",
      stderrTailBytes: 300,
      redact: redactUrl,
    }).exited;
    expect(exit.code).not.toBe(0);
    expect(Buffer.byteLength(exit.stderrTail)).toBeLessThanOrEqual(300);
    expect(Buffer.byteLength(exit.stderrTail)).toBeGreaterThan(100);
    expect(exit.stderrTail).toContain("rtsp://***@127.0.0.1:1/stream");
    expect(exit.stderrTail).not.toContain("hunter2");
  });

  it("pipes stdin to the child and its stdout back", async () => {
    const child = spawnChild({
      cmd: [
        "ffmpeg",
        "-hide_banner",
        "-loglevel",
        "error",
        "-f",
        "rawvideo",
        "-pix_fmt",
        "gray",
        "-s",
        "4x4",
        "-i",
        "pipe:0",
        "-vf",
        "negate",
        "-f",
        "rawvideo",
        "pipe:1",
      ],
      label: "pipes",
      stdin: "pipe",
      stdout: "pipe",
    });
    child.stdin!.write(new Uint8Array(16).fill(10));
    await child.stdin!.end();
    const out = new Uint8Array(await new Response(child.stdout).arrayBuffer());
    expect(out).toEqual(new Uint8Array(16).fill(245));
    expect(await child.exited).toMatchObject({ code: 0, reason: "exit" });
  });

  it("stops every live child at once for a worker shutdown", async () => {
    const children = [1, 2, 3].map((i) => spawnChild({ cmd: FFMPEG_FOREVER, label: `shutdown ${i}` }));
    await Promise.all(children.map((c) => waitComm(c.pid, "ffmpeg")));
    await stopAllChildren("shutdown");
    expect(liveChildren()).toEqual([]);
    for (const c of children) {
      expect((await c.exited).reason).toBe("shutdown");
      expect(psFinds(c.pid)).toBe(false);
    }
  });

  it.each([
    ["an empty cmd", { cmd: [] }],
    ["a negative killGraceMs", { killGraceMs: -1 }],
    ["a zero timeoutMs", { timeoutMs: 0 }],
    ["a fractional stderrTailBytes", { stderrTailBytes: 1.5 }],
    ["a timeoutMs too long for a timer", { timeoutMs: 2 ** 31 }],
    ["a NaN killGraceMs", { killGraceMs: Number.NaN }],
  ])("rejects %s", (_name, bad) => {
    expect(() => spawnChild({ cmd: FFMPEG_FOREVER, label: "invalid", ...bad })).toThrow(TypeError);
  });
});
