/**
 * WebRTC signalling through Redis: the peer connection lives in the worker that holds
 * the camera, the offer arrives at any API process. The API keeps the offer in a
 * short-lived per-viewer key (BullMQ job data, which Bull Board keeps, carries only ids);
 * the offer processor takes it and publishes it on the camera's channel; the holder's hub
 * answers into a per-viewer key; the processor waits for that reply and leaves an answer
 * there for the API to take. Closes (WHEP DELETE) are published the same way.
 */
import type Redis from "ioredis";
import type { Keys } from "./keys.ts";

/** A message to a camera's WebRTC hub. */
export type HubMessage = { readonly type: "offer"; readonly viewerId: string; readonly sdp: string } | { readonly type: "close"; readonly viewerId: string };

/** A hub's reply to an offer. */
export type OfferReply = { readonly sdp: string } | { readonly error: { readonly name: string; readonly message: string } };

const ANSWER_TTL_MS = 30_000;
const POLL_MS = 10;

/** Publishes and answers WebRTC signalling messages. */
export class WebRtcSignals {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  /** Sends a message to the camera's hub. @returns how many hubs heard it (0: none listens) */
  async send(cameraId: string, msg: HubMessage): Promise<number> {
    return this.redis.publish(this.keys.webrtcChannel(cameraId), JSON.stringify(msg));
  }

  /** Keeps a viewer's offer for the offer processor, for `ttlMs`. */
  async putOffer(viewerId: string, sdp: string, ttlMs: number): Promise<void> {
    await this.redis.set(this.keys.webrtcOffer(viewerId), sdp, "PX", ttlMs);
  }

  /**
   * Reads a viewer's offer. It stays until the API forgets it (`forgetOffer`, when its request
   * ends) or it expires, so a job run again after its worker died reads it too.
   * @returns the SDP, or null once it expired or was forgotten
   */
  async readOffer(viewerId: string): Promise<string | null> {
    return this.redis.get(this.keys.webrtcOffer(viewerId));
  }

  /** Forgets an offer and its answer (its request ended: answered, failed or timed out). */
  async forgetOffer(viewerId: string): Promise<void> {
    await this.redis.del(this.keys.webrtcOffer(viewerId), this.keys.webrtcAnswer(viewerId));
  }

  /** Stores the hub's reply to an offer. */
  async reply(viewerId: string, reply: OfferReply): Promise<void> {
    await this.redis.set(this.keys.webrtcAnswer(viewerId), JSON.stringify(reply), "PX", ANSWER_TTL_MS);
  }

  /**
   * Waits for the reply to an offer. An error reply is taken; an answer stays in its key
   * for `takeAnswer` (the API's), so the answer never travels in job data.
   * @returns the reply, or undefined after `timeoutMs`
   */
  async awaitReply(viewerId: string, timeoutMs: number): Promise<OfferReply | undefined> {
    const deadline = Date.now() + timeoutMs;
    const key = this.keys.webrtcAnswer(viewerId);
    while (Date.now() < deadline) {
      const raw = await this.redis.get(key);
      if (raw) {
        const reply = JSON.parse(raw) as OfferReply;
        if ("error" in reply) await this.redis.del(key);
        return reply;
      }
      await Bun.sleep(POLL_MS);
    }
    return undefined;
  }

  /** Takes the answer SDP the hub stored for a viewer. @returns it, or undefined when there is none */
  async takeAnswer(viewerId: string): Promise<string | undefined> {
    const raw = await this.redis.getdel(this.keys.webrtcAnswer(viewerId));
    const reply = raw ? (JSON.parse(raw) as OfferReply) : undefined;
    return reply && "sdp" in reply ? reply.sdp : undefined;
  }

  /** Records which camera a viewer belongs to, for `ttlMs`. */
  async markViewer(viewerId: string, cameraId: string, ttlMs: number): Promise<void> {
    await this.redis.set(this.keys.webrtcViewer(viewerId), cameraId, "PX", ttlMs);
  }

  /** The camera of a live viewer, or null. */
  async viewerCamera(viewerId: string): Promise<string | null> {
    return this.redis.get(this.keys.webrtcViewer(viewerId));
  }

  /** Forgets a viewer. */
  async forgetViewer(viewerId: string): Promise<void> {
    await this.redis.del(this.keys.webrtcViewer(viewerId));
  }

  /** Announces (for `ttlMs`) that this worker's hub listens for the camera's offers. */
  async markHub(cameraId: string, workerId: string, ttlMs: number): Promise<void> {
    await this.redis.set(this.keys.webrtcHub(cameraId), workerId, "PX", ttlMs);
  }

  /** Whether a hub listens for the camera's offers now. */
  async hubListening(cameraId: string): Promise<boolean> {
    return (await this.redis.exists(this.keys.webrtcHub(cameraId))) === 1;
  }

  /** Withdraws the hub announcement. */
  async unmarkHub(cameraId: string): Promise<void> {
    await this.redis.del(this.keys.webrtcHub(cameraId));
  }
}
