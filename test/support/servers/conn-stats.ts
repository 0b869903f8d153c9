/**
 * Connection counts of the fault proxy, written as JSON to a file after every change
 * (written to a temporary file and renamed, so a reader never sees half a file).
 */
import { renameSync, writeFileSync } from "node:fs";

/** The JSON the proxy writes (`--json FILE`); every count is of TCP connections from clients. */
export interface ConnStatsJson {
  /** Open now (accepted and not refused, not yet closed). */
  current: number;
  /** Highest `current` so far; refused connections never count here. */
  max_concurrent: number;
  /** Every accepted connection, refused ones included. */
  total_connections: number;
  /** Closed or reset at once because `--limit` concurrent were open. */
  refused: number;
  /** Connections whose upstream (the target) could not be reached or failed. */
  upstream_failed: number;
  /** Connections that got the mode's fault (drop, reset, stall). */
  faults: number;
}

/** Counts connections and mirrors them to `file` (none: counts only). */
export class ConnStats {
  readonly counts: ConnStatsJson = { current: 0, max_concurrent: 0, total_connections: 0, refused: 0, upstream_failed: 0, faults: 0 };

  constructor(private readonly file: string | undefined) {
    this.save();
  }

  /** A connection was accepted and will be served. */
  opened(): void {
    this.counts.total_connections++;
    this.counts.current++;
    this.counts.max_concurrent = Math.max(this.counts.max_concurrent, this.counts.current);
    this.save();
  }

  /** A served connection closed. */
  closed(): void {
    this.counts.current--;
    this.save();
  }

  /** A connection was accepted and refused at once (over the limit). */
  refused(): void {
    this.counts.total_connections++;
    this.counts.refused++;
    this.save();
  }

  /** Adds one to `upstream_failed` or `faults`. */
  count(field: "upstream_failed" | "faults"): void {
    this.counts[field]++;
    this.save();
  }

  /** Writes the counts to the file now. */
  save(): void {
    if (!this.file) return;
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.counts));
    renameSync(tmp, this.file);
  }
}
