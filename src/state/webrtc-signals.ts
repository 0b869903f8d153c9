/**
 * WebRTC signalling through Redis: the peer connection lives in the worker that holds
 * the camera, the offer arrives at any API process. An offer is published on the
 * camera's channel; the holder's hub answers into a per-viewer key that the requester
 * polls. Closes (WHEP DELETE) go the same way.
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

  /** Stores the hub's reply to an offer. */
  async reply(viewerId: string, reply: OfferReply): Promise<void> {
    await this.redis.set(this.keys.webrtcAnswer(viewerId), JSON.stringify(reply), "PX", ANSWER_TTL_MS);
  }

  /** Waits for the reply to an offer. @returns the reply, or undefined after `timeoutMs` */
  async awaitReply(viewerId: string, timeoutMs: number): Promise<OfferReply | undefined> {
    const deadline = Date.now() + timeoutMs;
    const key = this.keys.webrtcAnswer(viewerId);
    while (Date.now() < deadline) {
      const raw = await this.redis.getdel(key);
      if (raw) return JSON.parse(raw) as OfferReply;
      await Bun.sleep(POLL_MS);
    }
    return undefined;
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
