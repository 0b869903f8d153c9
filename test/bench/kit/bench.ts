/**
 * The plumbing of one bench process: options, its log on stderr, polling, and a record of all
 * it starts (processes, temporary directories, Redis prefixes) so that `cleanup` stops and
 * removes everything, at the end, on failure and on SIGINT/SIGTERM. Nothing happens on import.
 */
import { rmSync } from "node:fs";
import Redis from "ioredis";
import type { Subprocess } from "bun";
import { stopAll } from "../../support/background.ts";
import { TEST_REDIS_URL } from "../../support/camserver.ts";

// ---------------------------------------------------------------- options, log, time

/** The whole number >= 1 after `name` on the command line, `def` without it; throws on anything else. */
export function intArg(name: string, def: number): number {
  const i = process.argv.indexOf(name);
  if (i < 0) return def;
  const n = Number(process.argv[i + 1]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} needs a whole number >= 1`);
  return n;
}

/** The word after `name` on the command line, undefined without `name`; throws when nothing follows it. */
export function stringArg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  if (i < 0) return undefined;
  const v = process.argv[i + 1];
  if (v === undefined || v.startsWith("--")) throw new Error(`${name} needs a value`);
  return v;
}

/** One line on stderr, `[bench HH:MM:SS.mmm] msg` (UTC). */
export const log = (msg: string) => console.error(`[bench ${new Date().toISOString().slice(11, 23)}] ${msg}`);

/** Monotonic clock, ms. */
export const now = () => performance.now();

/**
 * Polls `check` every `everyMs` ms until it is true. @returns the ms it took; throws after `timeoutMs` ms,
 * naming `what`.
 */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 20): Promise<number> {
  const t0 = now();
  for (;;) {
    if (await check()) return now() - t0;
    if (now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await Bun.sleep(everyMs);
  }
}

// ---------------------------------------------------------------- what the bench started

/** Processes the bench spawned itself with Bun.spawn (stopped by `cleanup` if still running). */
const procs = new Set<Subprocess>();
/** Temporary directories the bench made (removed by `cleanup`). */
const dirs: string[] = [];
/** Redis key prefixes the bench used (their keys deleted by `cleanup`). */
const prefixes: string[] = [];
/** Hooks run first by `cleanup`, in the order given. */
const hooks: (() => Promise<void>)[] = [];
/** Pids of every process the bench started directly, in start order (for logs and the leftover check). */
export const startedPids: number[] = [];
/** Strings on the command lines of processes started by the bench or its camserver (leftover check). */
export const needles: string[] = [];

/** Records a pid the bench started (a background process stopped elsewhere, e.g. by `stopAll`). */
export function trackPid(pid: number): void {
  startedPids.push(pid);
}
/** Records a process spawned with Bun.spawn, for `stopProc`/`cleanup`. @returns it */
export function trackProc<P extends Subprocess>(p: P): P {
  procs.add(p);
  startedPids.push(p.pid);
  return p;
}
/** Records a temporary directory to remove. @returns it */
export function trackDir(dir: string): string {
  dirs.push(dir);
  return dir;
}
/** Records a Redis key prefix whose keys to delete. @returns it */
export function trackPrefix(prefix: string): string {
  prefixes.push(prefix);
  return prefix;
}
/** Runs `fn` at the start of `cleanup` (close in-process clients before their processes go). */
export function atCleanup(fn: () => Promise<void>): void {
  hooks.push(fn);
}

/** SIGTERM, then SIGKILL after `graceMs` ms; resolves once reaped and forgets the process. */
export async function stopProc(p: Subprocess, graceMs = 3000): Promise<void> {
  if (p.exitCode === null && p.signalCode === null) {
    p.kill("SIGTERM");
    const t = setTimeout(() => p.kill("SIGKILL"), graceMs);
    await p.exited;
    clearTimeout(t);
  } else await p.exited;
  procs.delete(p);
}

let cleanedUp = false;
/** Stops and removes everything recorded above, and every background process (`stopAll`); once. */
export async function cleanup(): Promise<void> {
  if (cleanedUp) return;
  cleanedUp = true;
  for (const h of hooks) await h();
  await Promise.all([...procs].map((p) => stopProc(p)));
  await stopAll();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  if (prefixes.length) {
    const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    redis.on("error", () => {});
    try {
      await redis.connect();
      for (const p of prefixes) {
        let cursor = "0";
        do {
          const [next, keys] = await redis.scan(cursor, "MATCH", `${p}:*`, "COUNT", 500);
          cursor = next;
          if (keys.length) await redis.del(...keys);
        } while (cursor !== "0");
      }
    } catch (err) {
      log(`could not delete bench keys from Redis: ${(err as Error).message}`);
    } finally {
      redis.disconnect();
    }
  }
}

/** Lines of `ps -eo pid,args` matching ffmpeg|rtsp-camera|infra/entry that belong to the bench (by pid or needle). */
export function leftovers(): string[] {
  const ps = Bun.spawnSync(["ps", "-eo", "pid=,args="]).stdout.toString().split("\n");
  return ps.filter((l) => {
    if (!/ffmpeg|rtsp-camera|infra\/entry/.test(l)) return false;
    const pid = Number(l.trim().split(/\s+/)[0]);
    return startedPids.includes(pid) || needles.some((n) => l.includes(n));
  });
}

/**
 * Runs the bench's `main` with `cleanup` on SIGINT/SIGTERM (exit 130) and on failure (exit 1,
 * after `bench failed: <stack>` on stderr); exits 0 after it. `main` cleans up itself on success.
 */
export async function runBench(main: () => Promise<void>): Promise<never> {
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.on(sig, () => {
      log(`${sig}: stopping everything`);
      void cleanup().finally(() => process.exit(130));
    });
  }
  try {
    await main();
    process.exit(0);
  } catch (err) {
    console.error(`bench failed: ${(err as Error).stack ?? err}`);
    await cleanup();
    process.exit(1);
  }
}
