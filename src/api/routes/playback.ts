/**
 * Playback by time, like MediaMTX's playback server: `GET /v1/cameras/:id/playback?start=ISO&duration_s=N`
 * answers one MP4 covering the span from the camera's fMP4 segments, across segment, part
 * and recording boundaries (one init segment, fragments re-based onto one timeline; gaps
 * collapse). It is made of whole segments, cut at keyframes: it may begin up to one segment
 * before `start` (header `X-Playback-Start` says where) and end up to one segment after the
 * span. Where the SPS/PPS change it ends early (header `X-Playback-Truncated-At`).
 */
import { Elysia } from "elysia";
import { NotFoundError, ValidationError } from "../../errors.ts";
import { parseInstant, parsePlaybackDuration } from "../../recordings/recording-input.ts";
import type { ApiDeps } from "../deps.ts";
import { joinFmp4 } from "../joined-mp4.ts";
import { joinedFileResponse } from "../mp4-body.ts";

/** Playback routes (mounted under `/v1`). */
export function playbackRoutes(deps: ApiDeps) {
  return new Elysia().get("/cameras/:id/playback", async ({ params, query, request }) => {
    const start = parseInstant(query.start, "start");
    if (start === undefined) throw new ValidationError("start", "is required: an ISO 8601 instant, e.g. 2024-05-01T12:00:00Z");
    const durationMs = Math.round(parsePlaybackDuration(query.duration_s) * 1000);
    await deps.cameras.get(params.id);
    const segments = await deps.recordingSegments.ofCameraBetween(params.id, start, start + durationMs);
    if (segments.length === 0)
      throw new NotFoundError(
        `camera ${params.id} has no fMP4 recording between ${new Date(start).toISOString()} and ${new Date(start + durationMs).toISOString()}`,
      );
    const joined = await joinFmp4(deps.recordingsDir, segments);
    const headers: Record<string, string> = {
      "x-playback-start": new Date(segments[0]!.startMs).toISOString(),
      "x-playback-duration-ms": String(Math.round(joined.ticks / 90)),
    };
    if (joined.stoppedAt) headers["x-playback-truncated-at"] = new Date(joined.stoppedAt.startMs).toISOString();
    const name = `${params.id}_${new Date(start)
      .toISOString()
      .replace(/[-:]/g, "")
      .replace(/\.\d+Z$/, "Z")}.mp4`;
    return joinedFileResponse(request, joined.pieces, "video/mp4", name, headers);
  });
}
