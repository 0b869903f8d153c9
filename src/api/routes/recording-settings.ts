/**
 * `GET/PUT /v1/cameras/:id/recording-settings`: a camera's recording mode (off, continuous,
 * schedule with a cron expression), segment length and format, and retention. A PUT
 * changes only the fields it gives and sets the camera's job scheduler at once; turning a
 * mode off (or changing it) stops the recordings the old mode started. Camera POST/PATCH
 * bodies accept the same `record` and `retention` objects.
 */
import { Elysia } from "elysia";
import { ValidationError } from "../../errors.ts";
import {
  applyRecordingSettingsPatch,
  publicRecordingSettings,
  type RecordingSettings,
  type RecordingSettingsPatch,
} from "../../recordings/recording-settings.ts";
import { parseRecordingSettingsPatch } from "../../recordings/recording-settings.ts";
import type { ApiDeps } from "../deps.ts";

/**
 * Reads `{record?, retention?}` of a body.
 * @throws ValidationError naming the bad field
 */
export function readRecordingSettingsBody(body: unknown): RecordingSettingsPatch {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new ValidationError("body", "must be a JSON object");
  for (const k of Object.keys(body)) if (k !== "record" && k !== "retention") throw new ValidationError(k.slice(0, 64), "unknown field");
  const b = body as { record?: unknown; retention?: unknown };
  return parseRecordingSettingsPatch(b.record, b.retention);
}

/**
 * Stores a settings change for an existing camera, sets its scheduler, and stops recordings
 * of a mode that is no longer on.
 * @throws ValidationError (schedule without cron)
 */
export async function updateRecordingSettings(deps: ApiDeps, cameraId: string, patch: RecordingSettingsPatch): Promise<RecordingSettings> {
  const cur = await deps.recordingSettings.get(cameraId);
  const next = applyRecordingSettingsPatch(cur, patch, Date.now());
  await deps.recordingSettings.put(next);
  await deps.recordRequests.scheduleCamera(cameraId, next.mode, next.cron);
  for (const r of await deps.recordings.list({ cameraId, state: "recording" })) {
    if ((r.trigger === "continuous" || r.trigger === "schedule") && r.trigger !== next.mode)
      await deps.recordRequests.stop(r.id, deps.recordTimeoutMs).catch(() => {});
  }
  return next;
}

/**
 * Splits `record` and `retention` off a camera POST/PATCH body and parses them, so the rest
 * goes to the camera parser and nothing is stored when either part is wrong.
 * @returns the body without them, and the settings change (undefined when neither is given)
 * @throws ValidationError naming the bad recording field
 */
export function splitRecordingSettings(body: unknown): { rest: unknown; patch: RecordingSettingsPatch | undefined } {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return { rest: body, patch: undefined };
  const { record, retention, ...rest } = body as Record<string, unknown>;
  if (record === undefined && retention === undefined) return { rest, patch: undefined };
  return { rest, patch: parseRecordingSettingsPatch(record, retention) };
}

/** A camera was deleted: its scheduler goes, and its running recordings end `done`. */
export async function endCameraRecordings(deps: ApiDeps, cameraId: string): Promise<void> {
  await deps.recordRequests.scheduleCamera(cameraId, "off", null);
  for (const r of await deps.recordings.list({ cameraId, state: "recording" })) {
    await deps.leases.release(cameraId, "record", r.id);
    await deps.recordings.setState(r.id, "done", { from: ["recording"], endedAt: Date.now() });
  }
}

/** Recording settings routes (mounted under `/v1`). */
export function recordingSettingsRoutes(deps: ApiDeps) {
  return new Elysia()
    .get("/cameras/:id/recording-settings", async ({ params }) => {
      await deps.cameras.get(params.id);
      return publicRecordingSettings(await deps.recordingSettings.get(params.id));
    })
    .put("/cameras/:id/recording-settings", async ({ params, body }) => {
      const patch = readRecordingSettingsBody(body);
      await deps.cameras.get(params.id);
      return publicRecordingSettings(await updateRecordingSettings(deps, params.id, patch));
    });
}
