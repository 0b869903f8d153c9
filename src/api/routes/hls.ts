/**
 * `/hls/:session_id/*`: a live session's LL-HLS playlist and fMP4 files, served from Redis by
 * any API process. Only `index.m3u8` and the names the HLS output writes exist
 * (`<run>_init<n>.mp4`, `<run>_<msn>.m4s`, `<run>_<msn>.<part>.m4s`); anything else (`..`,
 * other names, another camera's files) is 404. Each playlist fetch counts as access and
 * keeps the session from its idle timeout.
 *
 * Blocking playlist reload (draft-pantos-hls-rfc8216bis §6.2.5.2): `index.m3u8?_HLS_msn=N`
 * (and `&_HLS_part=M`) is answered once the playlist holds that segment (or part), waiting at
 * most three target durations (then 503); `_HLS_part` without `_HLS_msn`, and directives too
 * far past the live edge, are 400. The preload-hinted part (§6.2.6) is held the same way
 * until it exists instead of 404. Waiting requests share one Redis subscriber per process.
 */
import { Elysia } from "elysia";
import { edgeHas, edgeTooFar, edgeWaitMs } from "../../state/hls-edge.ts";
import { HlsPlaylistWaiters, type HlsWaitResult } from "../../state/hls-playlist-waiters.ts";
import { hlsFileKind, parsePartName } from "../../state/hls-segment-store.ts";
import type { ApiDeps } from "../deps.ts";

const json = (status: number, error: string, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify({ error }), { status, headers: { "content-type": "application/json", ...headers } });
const notFound = (error: string) => json(404, error);
const playlistResponse = (text: string) => new Response(text, { headers: { "content-type": "application/vnd.apple.mpegurl", "cache-control": "no-cache" } });
/** File names never change their bytes within a run: a short private cache is safe. */
const FILE_HEADERS = { "content-type": "video/mp4", "cache-control": "private, max-age=60" };
const DIRECTIVE = /^\d{1,10}$/;

/** Response for a wait that did not end with the edge reached, or undefined when it did. */
function unfinished(r: HlsWaitResult): Response | undefined {
  if (r.kind === "timeout") return json(503, "not available within three target durations", { "retry-after": "1" });
  if (r.kind === "busy") return json(503, "too many waiting requests", { "retry-after": "1" });
  if (r.kind === "ended") return notFound("the session's playlist ended");
  return undefined;
}

/** HLS routes (the session id is the capability: no bearer token, as players cannot send one). */
export function hlsRoutes(deps: ApiDeps) {
  const waiters = new HlsPlaylistWaiters(
    () => deps.redis.duplicate(),
    deps.keys,
    (cameraId) => deps.segments.edge(cameraId),
  );

  async function playlist(sessionId: string, msnText?: string, partText?: string): Promise<Response> {
    if (partText !== undefined && msnText === undefined) return json(400, "_HLS_part needs _HLS_msn");
    if ((msnText !== undefined && !DIRECTIVE.test(msnText)) || (partText !== undefined && !DIRECTIVE.test(partText))) {
      return json(400, "_HLS_msn and _HLS_part must be decimal integers");
    }
    const session = await deps.sessions.touch(sessionId);
    if (!session) return notFound("no such live session");
    if (msnText !== undefined) {
      const msn = Number(msnText);
      const part = partText === undefined ? undefined : Number(partText);
      const edge = await deps.segments.edge(session.cameraId);
      if (!edge) return notFound("the session has no playlist yet");
      if (edgeTooFar(edge, msn, part)) return json(400, "_HLS_msn or _HLS_part is too far past the live edge");
      if (!edgeHas(edge, msn, part)) {
        const r = await waiters.wait(session.cameraId, (e) => edgeHas(e, msn, part), edgeWaitMs(edge));
        const early = unfinished(r);
        if (early) return early;
      }
    }
    const text = await deps.segments.playlist(session.cameraId);
    return text ? playlistResponse(text) : notFound("the session has no playlist yet");
  }

  async function file(sessionId: string, name: string): Promise<Response> {
    const kind = hlsFileKind(name);
    if (!kind) return notFound("not a file of this session");
    const session = await deps.sessions.get(sessionId);
    if (!session) return notFound("no such live session");
    let bytes = await deps.segments.segment(session.cameraId, name);
    const wanted = kind === "part" && !bytes ? parsePartName(name) : undefined;
    if (wanted) {
      // The preload-hinted part, or one just past it: hold the request until it is written.
      const edge = await deps.segments.edge(session.cameraId);
      if (edge && edge.run === wanted.run && !edgeHas(edge, wanted.msn, wanted.part) && !edgeTooFar(edge, wanted.msn, wanted.part)) {
        const r = await waiters.wait(session.cameraId, (e) => e.run !== wanted.run || edgeHas(e, wanted.msn, wanted.part), edgeWaitMs(edge));
        const early = unfinished(r);
        if (early) return early;
        bytes = await deps.segments.segment(session.cameraId, name);
      }
    }
    if (!bytes) return notFound(kind === "part" ? "part expired or never written" : "segment expired");
    return new Response(bytes as unknown as BodyInit, { headers: FILE_HEADERS });
  }

  return new Elysia()
    .onStop(() => waiters.close())
    .get("/hls/:sessionId/:file", ({ params, query }) => {
      const q = query as Record<string, string | undefined>;
      return params.file === "index.m3u8" ? playlist(params.sessionId, q._HLS_msn, q._HLS_part) : file(params.sessionId, params.file);
    });
}
