/**
 * `/v1/recordings`: start (a `record` job; 201 once the first frames are on disk), stop
 * (once the last segment is), list by camera and time, show one with its parts, download
 * (fMP4 parts joined into one MP4, or the `.h264` parts as one Annex-B stream; Range
 * requests answered 206), delete (204, files removed; a running recording is 409).
 */
import { Elysia } from "elysia";
import type { RecordingRecord } from "../../recordings/recording.ts";
import { ConflictError, NotFoundError, ValidationError } from "../../errors.ts";
import { removeRecordingFiles, resolveRecordingPath } from "../../recordings/recording-files.ts";
import { parseInstant, parseRecordingStart } from "../../recordings/recording-input.ts";
import { publicRecording, RECORDING_ID_PATTERN, recordingFilename } from "../../recordings/recording-view.ts";
import type { ApiDeps } from "../deps.ts";
import { joinFmp4 } from "../joined-mp4.ts";
import { joinedFileResponse } from "../mp4-body.ts";

/** The recording with this id. @throws NotFoundError (also for a malformed id) */
export async function findRecording(deps: ApiDeps, id: string): Promise<RecordingRecord> {
  if (!RECORDING_ID_PATTERN.test(id)) throw new NotFoundError(`recording ${id.slice(0, 64)} not found`);
  return deps.recordings.get(id);
}

/** The recording's file(s) as one response, honouring Range. */
export async function recordingFileResponse(deps: ApiDeps, request: Request, rec: RecordingRecord): Promise<Response> {
  const segments = await deps.recordingSegments.ofRecording(rec.id);
  if (segments.length === 0) throw new NotFoundError(`recording ${rec.id} has no media yet`);
  const name = recordingFilename(rec);
  if (rec.format === "h264") {
    const pieces = segments.filter((s) => s.bytes > 0).map((s) => ({ path: resolveRecordingPath(deps.recordingsDir, s.path), size: s.bytes }));
    return joinedFileResponse(request, pieces, "video/h264", name);
  }
  const joined = await joinFmp4(deps.recordingsDir, segments);
  const headers: Record<string, string> = {};
  if (joined.stoppedAt) headers["x-recording-parts-omitted"] = `from part ${joined.stoppedAt.part}: its SPS/PPS differ`;
  return joinedFileResponse(request, joined.pieces, "video/mp4", name, headers);
}

/** Recording routes (mounted under `/v1`). */
export function recordingRoutes(deps: ApiDeps) {
  return new Elysia()
    .post("/recordings", async ({ body, set }) => {
      const input = parseRecordingStart(body);
      await deps.cameras.get(input.cameraId);
      const r = await deps.recordRequests.start({ cameraId: input.cameraId, format: input.format, maxDurationS: input.maxDurationS }, deps.recordTimeoutMs);
      set.status = 201;
      return r;
    })
    .post("/recordings/:id/stop", async ({ params }) => {
      await findRecording(deps, params.id);
      return deps.recordRequests.stop(params.id, deps.recordTimeoutMs);
    })
    .get("/recordings", async ({ query }) => {
      const from = parseInstant(query.from, "from");
      const to = parseInstant(query.to, "to");
      if (from !== undefined && to !== undefined && to < from) throw new ValidationError("to", "must not be before from");
      const list = await deps.recordings.list({ cameraId: query.camera_id || undefined, from, to });
      return list.map((r) => publicRecording(r));
    })
    .get("/recordings/:id", async ({ params }) => {
      const r = await findRecording(deps, params.id);
      return publicRecording(r, await deps.recordings.parts(r.id));
    })
    .get("/recordings/:id/file", async ({ params, request }) => recordingFileResponse(deps, request, await findRecording(deps, params.id)))
    .delete("/recordings/:id", async ({ params, set }) => {
      const r = await findRecording(deps, params.id);
      if (r.state === "recording") throw new ConflictError(`recording ${r.id} is running; stop it first`);
      await deps.recordings.delete(r.id);
      await removeRecordingFiles(deps.recordingsDir, r);
      deps.log.info({ camera: r.cameraId, recording: r.id }, "recording deleted");
      set.status = 204;
      return "";
    });
}
