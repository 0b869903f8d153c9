/**
 * Connection tests of the console's camera form (admin; src/api/camera-probe.ts):
 * `POST /v1/cameras/test` `{source_url, username?, password?, network?}` tests a camera
 * before it is added; `POST /v1/cameras/:id/test` tests a stored camera, optionally with
 * changed fields (`{source_url?, username?, password?, network?}`, as a PATCH would take
 * them: an absent password keeps the stored one). A camera that is not idle is refused
 * (409): its pipeline holds the one connection camserver may open to it.
 */
import { Elysia } from "elysia";
import { parseCameraCreate, parseCameraPatch } from "../../cameras/camera-input.ts";
import { checkSourceLocation } from "../../cameras/media-source.ts";
import { ConflictError, ValidationError } from "../../errors.ts";
import { probeCamera, type ProbeOptions } from "../camera-probe.ts";
import type { ApiDeps } from "../deps.ts";

const TEST_FIELDS = ["source_url", "username", "password", "network"];

function testFields(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== "object" || Array.isArray(body)) throw new ValidationError("body", "must be a JSON object");
  for (const k of Object.keys(body)) if (!TEST_FIELDS.includes(k)) throw new ValidationError(k.slice(0, 64), "unknown field");
  return body as Record<string, unknown>;
}

/** Camera test routes (mounted under the authenticated `/v1`). */
export function cameraTestRoutes(deps: Pick<ApiDeps, "cameras" | "status" | "mediaDir">, opts: ProbeOptions = {}) {
  return new Elysia()
    .post("/cameras/test", async ({ body }) => {
      const c = parseCameraCreate({ name: "camera test", ...testFields(body) });
      await checkSourceLocation(c.sourceUrl, deps.mediaDir);
      return probeCamera(c, opts);
    })
    .post("/cameras/:id/test", async ({ params, body }) => {
      const patch = parseCameraPatch(testFields(body));
      const rec = await deps.cameras.get(params.id);
      await checkSourceLocation(patch.sourceUrl ?? rec.sourceUrl, deps.mediaDir);
      const { state } = await deps.status.read(params.id);
      if (state !== "idle") throw new ConflictError(`camera ${params.id} is ${state}: its pipeline holds the connection, so a test would open a second one`);
      return probeCamera({ ...rec, ...patch }, opts);
    });
}
