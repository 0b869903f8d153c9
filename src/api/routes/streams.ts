/**
 * `/v1/streams`: the seed's HLS stream API, kept exactly. A start enqueues a
 * `stream-start` job and answers once the playlist has a segment; viewers of one camera
 * share one session and a start on a live session extends its TTL.
 */
import { Elysia } from "elysia";
import { NotFoundError, ValidationError } from "../../errors.ts";
import type { ApiDeps } from "../deps.ts";

function requiredString(body: unknown, field: string): string {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new ValidationError("body", "must be a JSON object");
  const v = (body as Record<string, unknown>)[field];
  if (typeof v !== "string" || v.length === 0) throw new ValidationError(field, "is required and must be a non-empty string");
  return v;
}

/** Stream routes (mounted under the authenticated `/v1`). */
export function streamRoutes(deps: ApiDeps) {
  return new Elysia()
    .post("/streams/start", async ({ body }) => {
      const cameraId = requiredString(body, "camera_id");
      await deps.cameras.get(cameraId);
      return deps.streams.start(cameraId, deps.streamStartTimeoutMs);
    })
    .post("/streams/stop", async ({ body }) => {
      const sessionId = requiredString(body, "session_id");
      const session = await deps.sessions.get(sessionId);
      if (!session) throw new NotFoundError(`session ${sessionId} not found`);
      await deps.sessions.end(session);
      return { status: "stopped" };
    })
    .get("/streams", async () =>
      (await deps.sessions.list()).map((s) => ({
        session_id: s.sessionId,
        camera_id: s.cameraId,
        hls_url: `/hls/${s.sessionId}/index.m3u8`,
        created_at: new Date(s.createdAt).toISOString(),
        expires_at: new Date(s.expiresAt).toISOString(),
      })),
    );
}
