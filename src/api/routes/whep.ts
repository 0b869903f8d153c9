/**
 * WebRTC signalling. WHEP (draft-ietf-wish-whep): `POST /v1/cameras/:id/whep` with an SDP
 * offer -> 201, `Location` of the session, the answer SDP with every server candidate (no
 * trickle: `PATCH` is 405); `DELETE` on the session ends it; `OPTIONS` answers CORS
 * preflight with `Accept-Post: application/sdp`. Also the seed's JSON signalling:
 * `POST /api/webrtc/offer?camera_id=` `{type: "offer", sdp}` -> `{type: "answer", sdp}`.
 * The peer lives in the worker that holds the camera; offers travel through Redis.
 */
import { Elysia } from "elysia";
import { BadRequestError, NotFoundError, ValidationError } from "../../errors.ts";
import { checkWhepOffer } from "../../webrtc/whep-offer-rules.ts";
import { checkSdpSize } from "../body-limit.ts";
import type { ApiDeps } from "../deps.ts";

/** CORS headers of WHEP resources (browsers on other origins may play). */
export const WHEP_CORS = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "POST, DELETE, OPTIONS",
  "access-control-allow-headers": "authorization, content-type",
  "access-control-expose-headers": "location",
} as const;

function sdpBody(body: unknown): string {
  if (typeof body !== "string" || body.length === 0) throw new BadRequestError("bad SDP offer: the body must be an SDP offer (Content-Type: application/sdp)");
  checkSdpSize(body);
  return body;
}

/** WHEP routes (mounted under the authenticated `/v1`; OPTIONS is exempt from auth). */
export function whepRoutes(deps: ApiDeps) {
  return new Elysia()
    .post("/cameras/:id/whep", async ({ params, body, request }) => {
      if (!(request.headers.get("content-type") ?? "").startsWith("application/sdp")) {
        return new Response(JSON.stringify({ error: "Content-Type must be application/sdp" }), {
          status: 415,
          headers: { "content-type": "application/json", ...WHEP_CORS },
        });
      }
      const offer = sdpBody(body);
      await deps.cameras.get(params.id);
      // Refused here, before it is queued: the holder opens no socket for a bad offer.
      checkWhepOffer(offer);
      const { viewerId, sdp } = await deps.webrtc.offer(params.id, offer, deps.webrtcOfferTimeoutMs);
      return new Response(sdp, {
        status: 201,
        headers: { "content-type": "application/sdp", location: `/v1/cameras/${params.id}/whep/${viewerId}`, ...WHEP_CORS },
      });
    })
    .delete("/cameras/:id/whep/:viewerId", async ({ params }) => {
      if ((await deps.signals.viewerCamera(params.viewerId)) !== params.id) throw new NotFoundError(`WHEP session ${params.viewerId} not found`);
      await deps.signals.send(params.id, { type: "close", viewerId: params.viewerId });
      await deps.leases.release(params.id, "webrtc", params.viewerId);
      return new Response(null, { status: 200, headers: WHEP_CORS });
    })
    .patch(
      "/cameras/:id/whep/:viewerId",
      () =>
        new Response(JSON.stringify({ error: "trickle ICE is not supported: the answer carries every candidate" }), {
          status: 405,
          headers: { allow: "DELETE", "content-type": "application/json", ...WHEP_CORS },
        }),
    );
}

/** CORS preflight of WHEP resources (no token: browsers send none on preflight). */
export function whepPreflightRoutes() {
  const preflight = () => new Response(null, { status: 204, headers: { ...WHEP_CORS, "accept-post": "application/sdp" } });
  return new Elysia().options("/v1/cameras/:id/whep", preflight).options("/v1/cameras/:id/whep/:viewerId", preflight);
}

/** The seed's JSON signalling (bearer token required as on /v1). */
export function seedWebRtcRoutes(deps: ApiDeps) {
  return new Elysia().post("/api/webrtc/offer", async ({ body, query }) => {
    const cameraId = query.camera_id;
    if (!cameraId) throw new ValidationError("camera_id", "is required as a query parameter");
    const b = body as { type?: unknown; sdp?: unknown } | undefined;
    if (!b || b.type !== "offer" || typeof b.sdp !== "string") throw new ValidationError("sdp", 'body must be {"type": "offer", "sdp": "..."}');
    checkSdpSize(b.sdp);
    await deps.cameras.get(cameraId);
    checkWhepOffer(b.sdp);
    const { sdp } = await deps.webrtc.offer(cameraId, b.sdp, deps.webrtcOfferTimeoutMs);
    return { type: "answer", sdp };
  });
}
