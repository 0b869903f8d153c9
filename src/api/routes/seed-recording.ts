/**
 * The seed's recording routes, kept: one `.h264` recording per camera (`?camera_id=`), apart
 * from recordings started otherwise (API, continuous, schedule).
 * `POST /api/recording/start` `{filename?}` -> `{status: "recording", filename}`;
 * `POST /api/recording/stop` -> `{status: "stopped", filename, frame_count, bytes_written,
 * duration}` (seconds); `GET /api/recording/status` -> the running recording, or
 * `{recording: false}`. Starting a camera that records already, or stopping one that does
 * not, is 409.
 */
import { Elysia } from "elysia";
import { ConflictError, ValidationError } from "../../errors.ts";
import { parseSeedFilename } from "../../recordings/recording-input.ts";
import { recordingFilename } from "../../recordings/recording-view.ts";
import type { ApiDeps } from "../deps.ts";

function cameraOf(query: Record<string, string | undefined>): string {
  const id = query.camera_id;
  if (!id) throw new ValidationError("camera_id", "is required as a query parameter");
  return id;
}

/** Seed recording routes (at the root, behind the token like `/v1`). */
export function seedRecordingRoutes(deps: ApiDeps) {
  // The seed's routes see their own recordings only: a continuous or API recording of the camera is not theirs to stop.
  const running = async (cameraId: string) => (await deps.recordings.list({ cameraId, state: "recording", trigger: "seed", limit: 1 }))[0];
  return new Elysia()
    .post("/api/recording/start", async ({ query, body }) => {
      const cameraId = cameraOf(query);
      const filename = parseSeedFilename(body);
      await deps.cameras.get(cameraId);
      const r = await deps.recordRequests.start({ cameraId, format: "h264", filename, exclusive: true, trigger: "seed" }, deps.recordTimeoutMs);
      return { status: "recording", filename: r.filename };
    })
    .post("/api/recording/stop", async ({ query }) => {
      const cameraId = cameraOf(query);
      await deps.cameras.get(cameraId);
      const rec = await running(cameraId);
      if (!rec) throw new ConflictError(`camera ${cameraId} is not recording`);
      const r = await deps.recordRequests.stop(rec.id, deps.recordTimeoutMs);
      return { status: "stopped", filename: r.filename, frame_count: r.frames, bytes_written: r.bytes, duration: r.duration_ms / 1000 };
    })
    .get("/api/recording/status", async ({ query }) => {
      const cameraId = cameraOf(query);
      await deps.cameras.get(cameraId);
      const rec = await running(cameraId);
      if (!rec) return { recording: false };
      return {
        recording: true,
        id: rec.id,
        format: rec.format,
        filename: recordingFilename(rec),
        started_at: new Date(rec.startedAt).toISOString(),
        frame_count: rec.frames,
        bytes_written: rec.bytes,
        duration: rec.durationMs / 1000,
      };
    });
}
