/**
 * The `record` row: while a camera has `record:<recordingId>` leases, its record output
 * runs one recorder per recording (src/pipeline/record).
 */
import { RecordOutput, type RecordOutputDeps } from "../record/record-output.ts";
import type { OutputRow } from "./output.ts";

/** The record row. */
export function recordRow(deps: RecordOutputDeps): OutputRow {
  return {
    kind: "record",
    create: ({ camera, pipeline }) => new RecordOutput(deps, camera, pipeline),
  };
}
