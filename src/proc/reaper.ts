/**
 * Removes children left behind by camserver processes that are gone: run at worker
 * start-up. pdeathsig kills a child when its worker dies, but not in every case (the
 * worker dying between fork and setpriv's prctl, a child spawned from a thread that
 * ended, a host that froze), so every child carries `CAMSERVER_CHILD=<owner pid>:<owner
 * start time>` and this scan kills marked processes whose owner no longer runs.
 * Children of a live owner (another worker on this host) are never touched. Workers run it
 * at start-up and every minute (`reapPeriodically`): a process whose pdeathsig failed is
 * found while the host runs, not only at the next start. Kills are counted in
 * `camserver_reaped_children_total`.
 */
import { readdir, readFile } from "node:fs/promises";
import { reapedChildrenTotal } from "../metrics.ts";
import { MARKER_ENV, isOwnerAlive, parseMarker } from "./owner-marker.ts";
import { readProcStat } from "./proc-stat.ts";

/** What `reapOrphans` accepts. */
export interface ReapOptions {
  /**
   * Receives one line per killed process (pid, group, owner).
   * @defaultValue none (silent)
   */
  log?: (msg: string) => void;
}

const MARKER_PREFIX = `${MARKER_ENV}=`;

/**
 * Scans `/proc/<pid>/environ` of every process this user may read for the camserver
 * marker; for each one whose owner is gone (pid absent, a zombie, or alive with another
 * start time) it sends SIGKILL to the process's group when the process leads it (as
 * every `spawnChild` child does), else to the process alone. It does not wait for them
 * to die: their new parent reaps them.
 *
 * @returns how many marked processes were killed
 * @throws nothing for processes that vanish or cannot be read during the scan; only
 *   when `/proc` itself cannot be listed
 */
export async function reapOrphans(opts: ReapOptions = {}): Promise<number> {
  const self = readProcStat("self");
  let killed = 0;
  for (const name of await readdir("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === self?.pid || pid === 1) continue;
    const before = readProcStat(pid);
    if (before === null || before.state === "Z") continue;
    const value = await markerOf(pid);
    if (value === null) continue;
    const owner = parseMarker(value);
    if (owner === null || isOwnerAlive(owner)) continue;
    // The same process as when its environment was read, not a reused pid.
    const stat = readProcStat(pid);
    if (stat === null || stat.state === "Z" || stat.startTime !== before.startTime) continue;
    // Only a group this process leads, and never our own group.
    const ownGroup = stat.pgid === pid && stat.pgid !== self?.pgid;
    try {
      process.kill(ownGroup ? -pid : pid, "SIGKILL");
      killed++;
      reapedChildrenTotal.inc();
      opts.log?.(`reaper: killed ${ownGroup ? "process group" : "process"} ${pid} left by dead owner ${value}`);
    } catch {
      // Gone in the meantime, or not ours to signal.
    }
  }
  return killed;
}

/**
 * Runs `reapOrphans` every `everyMs` ms (not at once: call it yourself at start-up) until
 * the returned function is called. A pass never overlaps the previous one; a failed pass
 * is reported through `opts.log` and the next one runs as planned.
 *
 * @param everyMs pause between passes, ms (workers: 60000)
 * @returns stops the timer and resolves once a pass under way has finished
 */
export function reapPeriodically(everyMs: number, opts: ReapOptions = {}): () => Promise<void> {
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    running ??= reapOrphans(opts)
      .then(
        () => {},
        (err) => opts.log?.(`reaper: pass failed: ${(err as Error).message}`),
      )
      .finally(() => (running = undefined));
  }, everyMs);
  timer.unref?.();
  return async () => {
    clearInterval(timer);
    await running;
  };
}

/** The marker value in a process's environment, or `null` (none, or unreadable). */
async function markerOf(pid: number): Promise<string | null> {
  let environ: string;
  try {
    environ = await readFile(`/proc/${pid}/environ`, "latin1");
  } catch {
    return null;
  }
  for (const entry of environ.split("\0")) {
    if (entry.startsWith(MARKER_PREFIX)) return entry.slice(MARKER_PREFIX.length);
  }
  return null;
}
