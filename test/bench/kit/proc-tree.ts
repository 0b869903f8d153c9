/**
 * CPU and memory of a whole process tree from Linux /proc (proc(5)): a process and all its
 * descendants, CPU as utime+stime clock ticks, memory as PSS from smaps_rollup (shared
 * libraries split between the processes that map them, so 40 ffmpeg children are not
 * counted 40 times over).
 */
import { readdirSync, readFileSync } from "node:fs";

/** Clock ticks per second of utime/stime (USER_HZ; 100 on Linux x86-64). */
const TICKS_PER_S = 100;

/** Pid, parent pid, command name and CPU ticks of every process on the host. */
function allProcs(): { pid: number; ppid: number; comm: string; ticks: number }[] {
  const out = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const s = readFileSync(`/proc/${d}/stat`, "latin1");
      const close = s.lastIndexOf(")");
      const rest = s.slice(close + 2).split(" ");
      // Fields 4 (ppid), 14 (utime), 15 (stime); field n is rest[n - 3].
      out.push({ pid: Number(d), ppid: Number(rest[1]), comm: s.slice(s.indexOf("(") + 1, close), ticks: Number(rest[11]) + Number(rest[12]) });
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

/** Pids of `roots` and all their descendants, with command names. */
export function treeOf(roots: readonly number[]): { pid: number; comm: string; ticks: number }[] {
  const procs = allProcs();
  const keep = new Set(roots);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of procs) if (!keep.has(p.pid) && keep.has(p.ppid)) keep.add(p.pid), (grew = true);
  }
  return procs.filter((p) => keep.has(p.pid));
}

/** utime+stime of the tree now, seconds. */
export function treeCpuSeconds(roots: readonly number[]): number {
  return treeOf(roots).reduce((n, p) => n + p.ticks, 0) / TICKS_PER_S;
}

/** PSS of one process, MB (0 if gone). */
export function pssMb(pid: number): number {
  try {
    const m = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8").match(/^Pss:\s+(\d+)\s+kB/m);
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** PSS of the whole tree, MB. */
export function treePssMb(roots: readonly number[]): number {
  return treeOf(roots).reduce((n, p) => n + pssMb(p.pid), 0);
}

/** Processes of the tree named `comm` (e.g. "ffmpeg"). */
export function countInTree(roots: readonly number[], comm: string): number {
  return treeOf(roots).filter((p) => p.comm === comm).length;
}

/**
 * CPU of the tree over `ms`, as % of one core: the ticks of processes alive at both ends
 * (a process that started or ended in between is counted from when it was seen).
 */
export async function treeCpuPercent(roots: readonly number[], ms: number): Promise<number> {
  const before = new Map(treeOf(roots).map((p) => [p.pid, p.ticks]));
  const t0 = performance.now();
  await Bun.sleep(ms);
  const after = treeOf(roots);
  const secs = (performance.now() - t0) / 1000;
  const ticks = after.reduce((n, p) => n + p.ticks - (before.get(p.pid) ?? p.ticks), 0);
  return (ticks / TICKS_PER_S / secs) * 100;
}
