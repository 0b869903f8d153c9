/**
 * A pipeline consumer that copies every keyframe (IDR with SPS/PPS in front, Annex-B), with
 * the time it arrived from the camera, into Redis, so a snapshot on any worker decodes the
 * camera's latest picture without a new camera connection. One write in flight at most: a
 * keyframe that arrives while the previous one is still being written is skipped (the next
 * one comes a GOP later), so one buffer, used again for every keyframe, holds the bytes
 * (ioredis copies them when it sends).
 */
import type { AccessUnit } from "../../media/access-unit.ts";
import { toAnnexB } from "../../media/annexb.ts";
import { BufferPool } from "../../media/buffer-pool.ts";
import type { KeyframeStore } from "../../state/keyframe-store.ts";
import type { Consumer, Pipeline } from "../pipeline.ts";

/** Publishes a camera's keyframes. */
export class KeyframePublisher implements Consumer {
  readonly kind = "keyframe";
  private writing = false;
  private readonly buffer = new BufferPool(1);

  constructor(
    private readonly store: KeyframeStore,
    private readonly cameraId: string,
    /** Tells when the keyframe arrived: the cached one, offered on attach, came before. */
    private readonly pipeline: Pick<Pipeline, "keyframeAt">,
  ) {}

  offer(au: AccessUnit): void {
    if (!au.isKeyframe || this.writing) return;
    this.writing = true;
    const annexB = toAnnexB(au.nalus, (bytes) => this.buffer.take(bytes));
    this.store
      .put(this.cameraId, annexB, this.pipeline.keyframeAt || Date.now())
      .then(
        () => this.buffer.give(annexB),
        () => {}, // a failed write may still hold the bytes in ioredis' offline queue: not reused
      )
      .finally(() => (this.writing = false));
  }
}
