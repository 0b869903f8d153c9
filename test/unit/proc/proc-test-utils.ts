/**
 * Helpers for the child-process tests: real processes, observed through /proc and ps.
 */
import { readdirSync } from "node:fs";
import { readProcStat } from "../../../src/proc/proc-stat.ts";

/** An ffmpeg that streams a test pattern in real time and never ends on its own. */
export const FFMPEG_FOREVER = [
  "ffmpeg",
  "-nostdin",
  "-hide_banner",
  "-loglevel",
  "error",
  "-re",
  "-f",
  "lavfi",
  "-i",
  "testsrc2=size=320x240:rate=25",
  "-f",
  "null",
  "-",
];

/** True when the pid runs no process (absent, or a zombie waiting for its parent). */
export function isGone(pid: number): boolean {
  const stat = readProcStat(pid);
  return stat === null || stat.state === "Z";
}

/** True when `ps -p <pid>` lists the pid (zombies included). */
export function psFinds(pid: number): boolean {
  return Bun.spawnSync(["ps", "-p", String(pid), "-o", "pid="]).exitCode === 0;
}

/**
 * Polls every millisecond until the pid is gone.
 * @returns milliseconds waited
 * @throws Error when it is still running after `limitMs`
 */
export async function waitGone(pid: number, limitMs: number): Promise<number> {
  const start = performance.now();
  while (!isGone(pid)) {
    if (performance.now() - start > limitMs) throw new Error(`pid ${pid} still running after ${limitMs} ms`);
    await Bun.sleep(1);
  }
  return performance.now() - start;
}

/** Polls until the pid runs the named program (after setpriv and setsid have exec'd). */
export async function waitComm(pid: number, comm: string, limitMs = 2000): Promise<void> {
  const start = performance.now();
  for (;;) {
    const text = await Bun.file(`/proc/${pid}/comm`)
      .text()
      .catch(() => "");
    if (text.trim() === comm) return;
    if (performance.now() - start > limitMs) throw new Error(`pid ${pid} runs ${text.trim()}, not ${comm}`);
    await Bun.sleep(2);
  }
}

/** Pids of every process in a process group. */
export function groupMembers(pgid: number): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readProcStat(Number(name)))
    .filter((stat) => stat !== null && stat.pgid === pgid && stat.state !== "Z")
    .map((stat) => stat!.pid);
}

/** The session id (`/proc/<pid>/stat` field 6) of a process. */
export async function sessionOf(pid: number): Promise<number> {
  const text = await Bun.file(`/proc/${pid}/stat`).text();
  return Number(text.slice(text.lastIndexOf(")") + 2).split(" ")[3]);
}

/**
 * Polls until `ps` no longer lists the pid, zombies included (an orphan's zombie waits
 * for PID 1 to reap it).
 * @returns milliseconds waited
 * @throws Error when ps still lists it after `limitMs`
 */
export async function waitPsGone(pid: number, limitMs: number): Promise<number> {
  const start = performance.now();
  while (psFinds(pid)) {
    if (performance.now() - start > limitMs) throw new Error(`ps still lists pid ${pid} after ${limitMs} ms`);
    await Bun.sleep(5);
  }
  return performance.now() - start;
}
