/**
 * Reads the few fields of Linux `/proc/<pid>/stat` (proc(5)) that identify a process
 * across pid reuse: a pid plus its start time names one process for the host's uptime.
 */
import { readFileSync } from "node:fs";

/** The fields of `/proc/<pid>/stat` this layer needs. */
export interface ProcStat {
  /** Process id (field 1). */
  readonly pid: number;
  /** One-letter state (field 3): `R`, `S`, `D`, `Z` (zombie), `T`, ... */
  readonly state: string;
  /** Process group id (field 5). */
  readonly pgid: number;
  /** Start time after boot in clock ticks (field 22), stable for the life of the process. */
  readonly startTime: string;
}

/**
 * Parses the text of a `/proc/<pid>/stat` file. Field 2, the command name, is in
 * parentheses and may itself hold spaces and parentheses, so fields are counted from
 * the last `)`.
 *
 * @returns the fields, or `null` when the text is not a stat line
 */
export function parseProcStat(text: string): ProcStat | null {
  const close = text.lastIndexOf(")");
  if (close < 0) return null;
  const pid = Number.parseInt(text, 10);
  // After ") " come fields 3, 4, 5, ...: field n is at index n - 3.
  const rest = text.slice(close + 2).split(" ");
  const state = rest[0];
  const pgid = Number(rest[2]);
  const startTime = rest[19];
  if (!Number.isInteger(pid) || state === undefined || !Number.isInteger(pgid) || !startTime) return null;
  return { pid, state, pgid, startTime };
}

/**
 * Reads `/proc/<pid>/stat` (`"self"` for this process) synchronously.
 *
 * @returns the fields, or `null` when the process does not exist (any read error)
 */
export function readProcStat(pid: number | "self"): ProcStat | null {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, "latin1"));
  } catch {
    return null;
  }
}
