/** The `hls` row: the camera's in-process HLS output (fMP4, LL-HLS) runs while it has HLS sessions. */
import type { HlsSegmentStore } from "../../state/hls-segment-store.ts";
import { HlsOutput, type HlsOutputOptions } from "../hls/hls-output.ts";
import type { OutputRow } from "./output.ts";

/** The HLS row; `options` tune segments, parts and the playlist window (defaults suit cameras). */
export function hlsRow(segments: HlsSegmentStore, options: HlsOutputOptions = {}): OutputRow {
  return {
    kind: "hls",
    create: ({ camera, pipeline }) => new HlsOutput(pipeline, camera.id, segments, options),
  };
}
