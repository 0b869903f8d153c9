/**
 * `/hls/:session_id/*`: a live session's playlist and segments, served from Redis by any
 * API process. Only `index.m3u8` and the segment names the muxer writes exist; anything
 * else (`..`, other names, another camera's files) is 404. Each playlist fetch counts as
 * access and keeps the session from its idle timeout.
 */
import { Elysia } from "elysia";
import { SEGMENT_NAME } from "../../state/hls-segment-store.ts";
import type { ApiDeps } from "../deps.ts";

const notFound = (error: string) => new Response(JSON.stringify({ error }), { status: 404, headers: { "content-type": "application/json" } });

/** HLS routes (the session id is the capability: no bearer token, as players cannot send one). */
export function hlsRoutes(deps: ApiDeps) {
  return new Elysia().get("/hls/:sessionId/:file", async ({ params }) => {
    const { sessionId, file } = params;
    if (file === "index.m3u8") {
      const session = await deps.sessions.touch(sessionId);
      if (!session) return notFound("no such live session");
      const playlist = await deps.segments.playlist(session.cameraId);
      if (!playlist) return notFound("the session has no playlist yet");
      return new Response(playlist, { headers: { "content-type": "application/vnd.apple.mpegurl", "cache-control": "no-cache" } });
    }
    if (!SEGMENT_NAME.test(file)) return notFound("not a file of this session");
    const session = await deps.sessions.get(sessionId);
    if (!session) return notFound("no such live session");
    const bytes = await deps.segments.segment(session.cameraId, file);
    if (!bytes) return notFound("segment expired");
    return new Response(bytes as unknown as BodyInit, { headers: { "content-type": "video/mp2t", "cache-control": "max-age=60" } });
  });
}
