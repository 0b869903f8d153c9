/**
 * The environment marker every child carries: `CAMSERVER_CHILD=<owner pid>:<owner start
 * time>`. The owner is the camserver process that spawned the child; pid plus start time
 * (clock ticks after boot, `/proc/<pid>/stat` field 22) name it even after its pid is
 * reused. The reaper kills marked processes whose owner is gone.
 */
import { readProcStat } from "./proc-stat.ts";

/** Name of the environment variable that marks a camserver child. */
export const MARKER_ENV = "CAMSERVER_CHILD";

/** The process a marker names as the owner of a child. */
export interface MarkerOwner {
  /** Owner's process id. */
  readonly pid: number;
  /** Owner's start time in clock ticks after boot, as written in `/proc/<pid>/stat`. */
  readonly startTime: string;
}

let cached: string | undefined;

/**
 * The marker value naming this process, `"<pid>:<start time>"`, read once from
 * `/proc/self/stat`.
 *
 * @throws Error when `/proc/self/stat` cannot be read (not Linux, or no procfs)
 */
export function ownerMarker(): string {
  if (cached !== undefined) return cached;
  const self = readProcStat("self");
  if (self === null) throw new Error("cannot read /proc/self/stat: child processes need Linux procfs");
  cached = `${self.pid}:${self.startTime}`;
  return cached;
}

/** Parses a marker value; `null` when it is not `"<pid>:<digits>"`. */
export function parseMarker(value: string): MarkerOwner | null {
  const m = /^(\d+):(\d+)$/.exec(value);
  if (m === null) return null;
  return { pid: Number(m[1]), startTime: m[2]! };
}

/**
 * Whether the owner a marker names is still running: its pid exists, is not a zombie
 * and has the same start time (a different one means the pid was reused).
 */
export function isOwnerAlive(owner: MarkerOwner): boolean {
  const stat = readProcStat(owner.pid);
  return stat !== null && stat.state !== "Z" && stat.startTime === owner.startTime;
}
