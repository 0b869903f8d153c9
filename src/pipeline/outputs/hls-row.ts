/** The `hls` row: the camera's HLS output runs while it has HLS sessions. */
import type { HlsSegmentStore } from "../../state/hls-segment-store.ts";
import { HlsOutput } from "../hls/hls-output.ts";
import type { OutputRow } from "./output.ts";

/** The HLS row. */
export function hlsRow(segments: HlsSegmentStore, scratchDir: string): OutputRow {
  return {
    kind: "hls",
    create: ({ camera, pipeline }) => new HlsOutput(pipeline, camera.id, scratchDir, segments),
  };
}
