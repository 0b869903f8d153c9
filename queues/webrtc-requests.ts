/**
 * Producer for WebRTC offers: the API hands a viewer's offer to whichever worker holds
 * the camera (through a `webrtc-offer` job, then Redis signalling) and gets the answer.
 * A close (WHEP DELETE) goes straight to the holder's signalling channel.
 */
import type Redis from "ioredis";
import { randomBytes } from "node:crypto";
import { DomainError } from "../src/errors.ts";
import type { WebRtcSignals } from "../src/state/webrtc-signals.ts";
import { WEBRTC_OFFER_QUEUE } from "./names.ts";
import type { WebRtcOfferJob, WebRtcOfferResult } from "./payloads.ts";
import { RequestQueue } from "./request-queue.ts";

/** Enqueues WebRTC offers. */
export class WebRtcRequests extends RequestQueue<WebRtcOfferJob, WebRtcOfferResult> {
  constructor(
    redis: Redis,
    prefix: string,
    private readonly signals: WebRtcSignals,
  ) {
    super(WEBRTC_OFFER_QUEUE, redis, prefix);
  }

  /**
   * Sends an offer and waits for the answer.
   * @returns the viewer id (names the WHEP session) and the answer SDP
   * @throws BadRequestError (400, bad SDP), CapacityError (503, max_viewers), NotFoundError,
   *   CameraUnreachableError (502), CameraTimeoutError (504)
   */
  async offer(cameraId: string, sdp: string, timeoutMs: number): Promise<{ viewerId: string; sdp: string }> {
    // 128 random bits: the viewer id is the WHEP session's name in its Location.
    const viewerId = `whep_${randomBytes(16).toString("base64url")}`;
    await this.signals.putOffer(viewerId, sdp, timeoutMs);
    try {
      await this.request("webrtc-offer", { cameraId, viewerId }, timeoutMs);
      const answer = await this.signals.takeAnswer(viewerId);
      if (answer === undefined) throw new DomainError(`camera ${cameraId}: the answer to the offer expired before it was read`);
      return { viewerId, sdp: answer };
    } finally {
      // The offer stays while the request runs (a job run again after its worker died reads it).
      await this.signals.forgetOffer(viewerId);
    }
  }
}
