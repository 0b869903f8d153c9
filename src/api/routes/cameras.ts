/**
 * `/v1/cameras`: the camera registry. Passwords are write-only; a camera's view adds
 * its pipeline state (idle, connecting, live, retrying), since when, its last error,
 * consumer counts by kind and the worker that holds it.
 */
import { Elysia } from "elysia";
import { parseCameraCreate, parseCameraPatch, publicCamera } from "../../cameras/camera-input.ts";
import type { CameraRecord } from "../../cameras/camera.ts";
import { checkSourceLocation } from "../../cameras/media-source.ts";
import { announceCameraChange, announceSourceChange, stopCameraNow } from "../../state/camera-control.ts";
import type { ApiDeps } from "../deps.ts";
import { endCameraRecordings, splitRecordingSettings, updateRecordingSettings } from "./recording-settings.ts";

/** A camera as `GET /v1/cameras/:id` shows it. */
async function cameraView(deps: ApiDeps, rec: CameraRecord) {
  const st = await deps.status.read(rec.id);
  return {
    ...publicCamera(rec),
    state: st.state,
    since: st.since ? new Date(st.since).toISOString() : null,
    last_error: st.lastError ? { message: st.lastError.message, at: new Date(st.lastError.at).toISOString() } : null,
    consumers: st.consumers,
    holder: st.holder,
    engine: st.engine,
  };
}

/** Camera registry routes (mounted under the authenticated `/v1`). */
export function cameraRoutes(deps: ApiDeps) {
  return new Elysia()
    .get("/cameras", async () => Promise.all((await deps.cameras.list()).map((c) => cameraView(deps, c))))
    .get("/cameras/:id", async ({ params }) => cameraView(deps, await deps.cameras.peek(params.id)))
    .post("/cameras", async ({ body, set }) => {
      const { rest, patch } = splitRecordingSettings(body);
      const input = parseCameraCreate(rest);
      await checkSourceLocation(input.sourceUrl, deps.mediaDir);
      const rec = await deps.cameras.create(input);
      if (patch) await updateRecordingSettings(deps, rec.id, patch);
      await deps.snapshotRequests.schedulePolling(rec.id, rec.snapshotIntervalS);
      await announceCameraChange(deps.redis, deps.keys, rec.id);
      deps.log.info({ camera: rec.id }, "camera created");
      set.status = 201;
      return cameraView(deps, rec);
    })
    .patch("/cameras/:id", async ({ params, body }) => {
      const { rest, patch } = splitRecordingSettings(body);
      const input = parseCameraPatch(rest);
      if (input.sourceUrl !== undefined) await checkSourceLocation(input.sourceUrl, deps.mediaDir);
      const rec = await deps.cameras.update(params.id, input);
      const sourceFields = [input.sourceUrl, input.username, input.password, input.network, input.sourceEngine];
      if (sourceFields.some((v) => v !== undefined)) await announceSourceChange(deps.redis, deps.keys, rec.id);
      if (patch) await updateRecordingSettings(deps, rec.id, patch);
      await deps.snapshotRequests.schedulePolling(rec.id, rec.snapshotIntervalS);
      await announceCameraChange(deps.redis, deps.keys, rec.id);
      return cameraView(deps, rec);
    })
    .delete("/cameras/:id", async ({ params, set }) => {
      await deps.cameras.delete(params.id);
      for (const s of await deps.sessions.list()) if (s.cameraId === params.id) await deps.sessions.end(s);
      await deps.snapshotRequests.schedulePolling(params.id, 0);
      await stopCameraNow(deps.redis, deps.keys, deps.leases, params.id);
      await endCameraRecordings(deps, params.id);
      await deps.snapshots.remove(params.id);
      await deps.status.remove(params.id);
      await announceCameraChange(deps.redis, deps.keys, params.id);
      deps.log.info({ camera: params.id }, "camera deleted");
      set.status = 204;
      return "";
    });
}
