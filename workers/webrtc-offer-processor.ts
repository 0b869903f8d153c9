/**
 * `webrtc-offer` processor: the viewer takes a lease (the pipeline starts if idle), the
 * offer (taken from its short-lived key) goes to the camera's holder over Redis signalling
 * once its WebRTC hub listens, and the holder's 400/503 error becomes the job's failure;
 * an answer stays in its key for the API (no SDP in job data or results).
 */
import type { Job } from "bullmq";
import type { CamerasRepository } from "../src/db/cameras-repository.ts";
import { BadRequestError, CameraTimeoutError, CapacityError, DomainError, PayloadTooLargeError } from "../src/errors.ts";
import type { LeaseStore } from "../src/state/lease-store.ts";
import type { WebRtcSignals } from "../src/state/webrtc-signals.ts";
import type { WebRtcOfferJob, WebRtcOfferResult } from "../queues/payloads.ts";
import { awaitCamera, type AwaitCameraDeps } from "./await-camera.ts";
import { domainFailure } from "./domain-failure.ts";

/** Services of the offer processor. */
export interface WebRtcOfferDeps extends AwaitCameraDeps {
  readonly cameras: CamerasRepository;
  readonly leases: LeaseStore;
  readonly signals: WebRtcSignals;
}

/** The holder answers within this, ms (ICE host candidates gather in milliseconds). */
const ANSWER_TIMEOUT_MS = 8000;
/** A viewer's first lease: until the holder takes over refreshing it, ms. */
const FIRST_LEASE_MS = 30_000;

const REPLY_ERRORS: Record<string, new (message: string) => DomainError> = { BadRequestError, CapacityError, CameraTimeoutError, PayloadTooLargeError };

/** Builds the processor of the `webrtc-offer` queue. */
export function webrtcOfferProcessor(deps: WebRtcOfferDeps) {
  return (job: Job<WebRtcOfferJob>): Promise<WebRtcOfferResult> =>
    domainFailure(async () => {
      const { cameraId, viewerId } = job.data;
      const camera = await deps.cameras.get(cameraId);
      // Read, not taken: a run of this job after its worker died must find the offer too.
      const sdp = await deps.signals.readOffer(viewerId);
      if (sdp === null) throw new BadRequestError(`camera ${cameraId}: the offer expired before a worker took it`);
      const requestedAt = Date.now();
      await deps.leases.put(cameraId, "webrtc", viewerId, requestedAt + FIRST_LEASE_MS);
      try {
        // Publish once the camera is live and its hub listens; a hub that just died (the publish
        // is heard by none) means wait on. A refusing or hung camera fails here with 502/504.
        await awaitCamera(
          deps,
          cameraId,
          camera.network,
          requestedAt,
          10_000,
          async () => {
            if ((await deps.status.read(cameraId)).state !== "live" || !(await deps.signals.hubListening(cameraId))) return undefined;
            return (await deps.signals.send(cameraId, { type: "offer", viewerId, sdp })) > 0 ? true : undefined;
          },
          "webrtc",
        );
        const reply = await deps.signals.awaitReply(viewerId, ANSWER_TIMEOUT_MS);
        if (!reply) throw new CameraTimeoutError(`camera ${cameraId}: its holder did not answer the offer within ${ANSWER_TIMEOUT_MS / 1000} s`);
        if ("error" in reply) throw new (REPLY_ERRORS[reply.error.name] ?? DomainError)(reply.error.message);
        return { answerLength: reply.sdp.length };
      } catch (err) {
        await deps.leases.release(cameraId, "webrtc", viewerId);
        throw err;
      }
    });
}
