/**
 * The WebRTC side of one held camera: listens on the camera's signalling channel, answers
 * offers with a viewer each (up to `maxViewers`, then 503), closes viewers on DELETE or
 * when they go silent, and keeps each live viewer's lease so the pipeline stays up for it.
 */
import type Redis from "ioredis";
import { BadRequestError, CapacityError, DomainError } from "../../errors.ts";
import type { Logger } from "../../log.ts";
import { consumerDroppedTotal } from "../../metrics.ts";
import type { LeaseStore } from "../../state/lease-store.ts";
import type { HubMessage, WebRtcSignals } from "../../state/webrtc-signals.ts";
import type { Pipeline } from "../pipeline.ts";
import { RtpFanout } from "./rtp-fanout.ts";
import { WebRtcViewer, type ViewerOptions } from "./webrtc-viewer.ts";
import { answerOffer, type WebRtcNetwork } from "./whep-peer.ts";

/** What a hub needs. */
export interface HubDeps {
  /** A connection the hub may put into subscriber mode (it quits it on stop). */
  readonly subscriber: Redis;
  readonly channel: string;
  readonly signals: WebRtcSignals;
  readonly leases: LeaseStore;
  readonly log: Logger;
  readonly net: WebRtcNetwork;
  readonly workerId: string;
  readonly viewerOptions?: ViewerOptions;
}

/** A viewer's lease runs this long past its last refresh, ms. */
const LEASE_MS = 10_000;
const REFRESH_EVERY_MS = 2000;

/** WebRTC viewers of one camera. */
export class WebRtcHub {
  readonly fanout = new RtpFanout();
  private readonly viewers = new Map<string, WebRtcViewer>();
  private refreshedAt = 0;
  private stopped = false;

  constructor(
    private readonly deps: HubDeps,
    private readonly cameraId: string,
    private readonly pipeline: Pipeline,
    private readonly maxViewers: number,
  ) {}

  /** Viewers connected or connecting. */
  get count(): number {
    return this.viewers.size;
  }

  /** Starts packetizing and listening for offers. */
  async start(): Promise<void> {
    this.pipeline.attach(this.fanout);
    this.deps.subscriber.on("message", (_channel: string, raw: string) => void this.message(raw));
    await this.deps.subscriber.subscribe(this.deps.channel);
    await this.deps.signals.markHub(this.cameraId, this.deps.workerId, LEASE_MS);
  }

  private async message(raw: string): Promise<void> {
    if (this.stopped) return;
    let msg: HubMessage;
    try {
      msg = JSON.parse(raw) as HubMessage;
    } catch {
      return;
    }
    if (msg.type === "close") return void (await this.drop(msg.viewerId, "closed by the client"));
    try {
      if (this.viewers.size >= this.maxViewers) throw new CapacityError(`camera ${this.cameraId} has its maximum of ${this.maxViewers} WebRTC viewers`);
      const peer = await answerOffer(msg.sdp, this.deps.net);
      const viewer = new WebRtcViewer(msg.viewerId, peer, this.fanout, this.deps.viewerOptions);
      this.viewers.set(msg.viewerId, viewer);
      viewer.start();
      await this.keep(msg.viewerId);
      await this.deps.signals.reply(msg.viewerId, { sdp: peer.answer });
      this.deps.log.info({ camera: this.cameraId, viewer: msg.viewerId, viewers: this.viewers.size }, "webrtc viewer added");
    } catch (err) {
      const e = err instanceof DomainError ? err : new BadRequestError(`offer failed: ${(err as Error).message}`);
      await this.deps.signals.reply(msg.viewerId, { error: { name: e.name, message: e.message } });
    }
  }

  private async keep(viewerId: string): Promise<void> {
    await this.deps.leases.put(this.cameraId, "webrtc", viewerId, Date.now() + LEASE_MS);
    await this.deps.signals.markViewer(viewerId, this.cameraId, LEASE_MS);
  }

  private async drop(viewerId: string, reason: string): Promise<void> {
    const v = this.viewers.get(viewerId);
    if (!v) return;
    this.viewers.delete(viewerId);
    await v.close(reason);
    if (v.dropped > 0) consumerDroppedTotal.labels(this.cameraId, "webrtc").inc(v.dropped);
    await this.deps.leases.release(this.cameraId, "webrtc", viewerId);
    await this.deps.signals.forgetViewer(viewerId);
    this.deps.log.info({ camera: this.cameraId, viewer: viewerId, reason, sent: v.framesSent, dropped: v.dropped }, "webrtc viewer closed");
  }

  /** Called by the holder every tick: drops silent viewers, refreshes leases every 2 s. */
  async tick(now = Date.now()): Promise<void> {
    for (const [id, v] of this.viewers) if (!v.alive(now)) await this.drop(id, v.closeReason ?? "viewer went silent");
    if (now - this.refreshedAt < REFRESH_EVERY_MS) return;
    this.refreshedAt = now;
    await this.deps.signals.markHub(this.cameraId, this.deps.workerId, LEASE_MS);
    for (const id of this.viewers.keys()) await this.keep(id);
  }

  /** Closes every viewer and stops listening. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.deps.signals.unmarkHub(this.cameraId);
    for (const id of [...this.viewers.keys()]) await this.drop(id, "camera released");
    this.pipeline.detach(this.fanout);
    this.deps.subscriber.disconnect();
  }
}
