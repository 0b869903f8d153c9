/**
 * Snapshots: `GET /v1/cameras/:id/snapshot[?max_age_ms=N]` takes one through a `snapshot`
 * job (from the live pipeline's cached keyframe, or a short lease on an idle camera);
 * `GET /v1/cameras/:id/snapshot/latest` serves the latest periodic poll without touching
 * the camera (404 until one exists).
 */
import { Elysia } from "elysia";
import { NotFoundError, ValidationError } from "../../errors.ts";
import type { StoredJpeg } from "../../state/snapshot-store.ts";
import type { ApiDeps } from "../deps.ts";

function jpegResponse(s: StoredJpeg): Response {
  return new Response(s.jpeg as unknown as BodyInit, {
    headers: { "content-type": "image/jpeg", "cache-control": "no-store", "x-snapshot-at": new Date(s.at).toISOString() },
  });
}

function maxAge(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === "") return undefined;
  if (!/^\d{1,9}$/.test(raw)) throw new ValidationError("max_age_ms", "must be a whole number of milliseconds");
  return Number(raw);
}

/** Snapshot routes (mounted under the authenticated `/v1`). */
export function snapshotRoutes(deps: ApiDeps) {
  return new Elysia()
    .get("/cameras/:id/snapshot", async ({ params, query }) => {
      const maxAgeMs = maxAge(query.max_age_ms);
      await deps.cameras.get(params.id);
      const result = await deps.snapshotRequests.take(params.id, maxAgeMs, deps.snapshotTimeoutMs);
      const stored = await deps.snapshots.get(params.id, "latest");
      if (!stored || stored.at < result.at) throw new NotFoundError(`snapshot of camera ${params.id} expired before it was read`);
      return jpegResponse(stored);
    })
    .get("/cameras/:id/snapshot/latest", async ({ params }) => {
      await deps.cameras.get(params.id);
      const polled = await deps.snapshots.get(params.id, "polled");
      if (!polled) throw new NotFoundError(`camera ${params.id} has no polled snapshot yet`);
      return jpegResponse(polled);
    });
}
