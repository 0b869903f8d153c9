/**
 * The WebRTC side of one held camera: listens on the camera's signalling channel, answers
 * offers with a viewer each (up to `maxViewers`, then 503), closes viewers on DELETE or
 * when they go silent, and keeps each live viewer's lease so the pipeline stays up for it.
 *
 * An offer reserves its viewer slot when it arrives, before anything is awaited, so
 * concurrent offers can never admit more than `maxViewers`. Offers are answered one at a
 * time, outside the holder's tick (which keeps refreshing the fence): the offer rules
 * (src/webrtc/whep-offer-rules.ts) bound what one answer costs, and a queue of them
 * cannot stall the process for longer than `maxViewers` answers.
 */
import type Redis from "ioredis";
import { BadRequestError, CameraTimeoutError, CapacityError, DomainError } from "../../errors.ts";
import type { Logger } from "../../log.ts";
import { consumerDroppedTotal } from "../../metrics.ts";
import type { LeaseStore } from "../../state/lease-store.ts";
import type { HubMessage, WebRtcSignals } from "../../state/webrtc-signals.ts";
import type { Pipeline } from "../pipeline.ts";
import { RtpFanout } from "./rtp-fanout.ts";
import { WebRtcViewer, type ViewerOptions } from "./webrtc-viewer.ts";
import { answerOffer, type AnsweredPeer, type WebRtcNetwork } from "./whep-peer.ts";

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
/** An answer that takes longer frees its slot and the queue behind it, ms (the offer processor gives up after 8 s). */
const ANSWER_LIMIT_MS = 8000;

/** WebRTC viewers of one camera. */
export class WebRtcHub {
  readonly fanout = new RtpFanout();
  /** Whether the fanout is attached to the pipeline (only while viewers exist). */
  private packetizing = false;
  private readonly viewers = new Map<string, WebRtcViewer>();
  /** Viewer ids whose offer holds a slot while it waits for or gets its answer. */
  private readonly answering = new Set<string>();
  private answers: Promise<void> = Promise.resolve();
  private refreshedAt = 0;
  private stopped = false;

  constructor(
    private readonly deps: HubDeps,
    private readonly cameraId: string,
    private readonly pipeline: Pipeline,
    private readonly maxViewers: number,
  ) {}

  /** Viewers connected or connecting, and offers being answered. */
  get count(): number {
    return this.viewers.size + this.answering.size;
  }

  /** Starts listening for offers; packetizing starts with the first viewer. */
  async start(): Promise<void> {
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
    const { viewerId, sdp } = msg;
    if (typeof viewerId !== "string" || typeof sdp !== "string" || this.viewers.has(viewerId) || this.answering.has(viewerId)) return;
    // The slot is taken here, synchronously: no await between the check and the reservation.
    if (this.count >= this.maxViewers) {
      const e = new CapacityError(`camera ${this.cameraId} has its maximum of ${this.maxViewers} WebRTC viewers`);
      return void (await this.deps.signals.reply(viewerId, { error: { name: e.name, message: e.message } }));
    }
    this.answering.add(viewerId);
    const answered = this.answers.then(() => this.answer(viewerId, sdp));
    this.answers = answered;
    await answered;
  }

  /** Answers one offer whose slot is reserved; frees the reservation whatever happens. */
  private async answer(viewerId: string, sdp: string): Promise<void> {
    try {
      if (this.stopped) throw new CapacityError(`camera ${this.cameraId} was released`);
      // answerOffer checks the offer again (the API did) before werift sees it.
      const peer = await this.answerWithin(sdp);
      if (this.stopped) {
        await peer.pc.close();
        throw new CapacityError(`camera ${this.cameraId} was released`);
      }
      const viewer = new WebRtcViewer(viewerId, peer, this.fanout, this.deps.viewerOptions);
      this.viewers.set(viewerId, viewer);
      this.packetizeWhileWatched();
      this.answering.delete(viewerId);
      viewer.start();
      await this.keep(viewerId);
      await this.deps.signals.reply(viewerId, { sdp: peer.answer });
      this.deps.log.info({ camera: this.cameraId, viewer: viewerId, viewers: this.viewers.size }, "webrtc viewer added");
    } catch (err) {
      const e = err instanceof DomainError ? err : new BadRequestError(`offer failed: ${(err as Error).message}`);
      await this.deps.signals.reply(viewerId, { error: { name: e.name, message: e.message } }).catch(() => {});
    } finally {
      this.answering.delete(viewerId);
    }
  }

  /** answerOffer, given up after ANSWER_LIMIT_MS (a peer answered later is closed). */
  private async answerWithin(sdp: string): Promise<AnsweredPeer> {
    const answering = answerOffer(sdp, this.deps.net);
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      return await Promise.race([
        answering,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new CameraTimeoutError(`camera ${this.cameraId}: answering the offer took over ${ANSWER_LIMIT_MS / 1000} s`)),
            ANSWER_LIMIT_MS,
          );
        }),
      ]);
    } catch (err) {
      answering.then(
        (late) => late.pc.close(),
        () => {},
      );
      throw err;
    } finally {
      clearTimeout(timer);
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
    this.packetizeWhileWatched();
    await v.close(reason);
    if (v.dropped > 0) consumerDroppedTotal.labels(this.cameraId, "webrtc").inc(v.dropped);
    await this.deps.leases.release(this.cameraId, "webrtc", viewerId);
    await this.deps.signals.forgetViewer(viewerId);
    this.deps.log.info({ camera: this.cameraId, viewer: viewerId, reason, sent: v.framesSent, dropped: v.dropped }, "webrtc viewer closed");
  }

  /**
   * Feeds the fanout from the pipeline only while viewers exist: a camera nobody watches over
   * WebRTC is not packetized. On attach the pipeline hands over its cached GOP first, so the
   * first viewer's picture still starts at once.
   */
  private packetizeWhileWatched(): void {
    if (this.viewers.size > 0 && !this.packetizing) this.pipeline.attach(this.fanout);
    else if (this.viewers.size === 0 && this.packetizing) this.pipeline.detach(this.fanout);
    this.packetizing = this.viewers.size > 0;
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
    this.deps.subscriber.disconnect();
  }
}
