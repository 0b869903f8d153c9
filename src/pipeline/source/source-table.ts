/**
 * Which source pulls a camera: the first row whose test matches the camera's URL scheme
 * and settings (go2rtc's scheme table). Adding a source kind is one file and one row.
 *
 * | row    | cameras                                                        |
 * |--------|----------------------------------------------------------------|
 * | shm    | `shm://NAME`: the local camera daemon's ring in /dev/shm        |
 * | rtsp   | `rtsp://`, `rtsps://` unless `source_engine` is `ffmpeg`        |
 * | ffmpeg | everything else: files, RTSP cameras set to (or fallen back to) ffmpeg |
 */
import type { Logger } from "../../log.ts";
import { isRtspUrl } from "./ffmpeg-args.ts";
import { FfmpegSource } from "./ffmpeg-source.ts";
import { RtspSource } from "./rtsp-source.ts";
import { ShmSource } from "./shm-source.ts";
import type { Source, SourceCamera, SourceKind } from "./source.ts";

/** What a source row may use when it builds its source. */
export interface SourceContext {
  readonly log: Logger;
}

/** One row of the table. */
export interface SourceRow {
  readonly kind: SourceKind;
  /** Whether this row's source pulls the camera. */
  matches(camera: SourceCamera): boolean;
  create(camera: SourceCamera, ctx: SourceContext): Source;
}

/** The rows, tried in order. */
export const SOURCE_TABLE: readonly SourceRow[] = [
  { kind: "shm", matches: (c) => /^shm:\/\//i.test(c.sourceUrl), create: (_c, ctx) => new ShmSource({ log: ctx.log }) },
  { kind: "rtsp", matches: (c) => isRtspUrl(c.sourceUrl) && c.sourceEngine !== "ffmpeg", create: (_c, ctx) => new RtspSource({ log: ctx.log }) },
  { kind: "ffmpeg", matches: () => true, create: (_c, ctx) => new FfmpegSource({ log: ctx.log }) },
];

/** The source of a camera, from the first matching row. */
export function createSource(camera: SourceCamera, ctx: SourceContext): Source {
  const row = SOURCE_TABLE.find((r) => r.matches(camera))!;
  return row.create(camera, ctx);
}
