/**
 * One ShmSource session as a state machine stepped by a timer (shm-source.ts): maps the
 * ring when it appears, re-maps it when it is laid out anew or recreated, reads new
 * frames with a RingCursor, turns H.264 frames into access units (Annex B, in-band SPS/PPS,
 * 90 kHz time line) and decides when the session ends. Layout: infra/shm/camserver_shm.h.
 */
import { CameraTimeoutError, CameraUnreachableError } from "../../errors.ts";
import type { Logger } from "../../log.ts";
import type { AccessUnit } from "../../media/access-unit.ts";
import { splitAnnexB } from "../../media/annexb.ts";
import { MediaError, TruncatedError } from "../../media/errors.ts";
import { NalType } from "../../media/nal.ts";
import { ParameterSetCache } from "../../media/parameter-sets.ts";
import {
  type CursorFrame,
  formatName,
  FrameFormat,
  readRingHeader,
  RING_HEADER_SIZE,
  RingCursor,
  RingNotReadyError,
  RingTimeline,
  sameLayout,
} from "../../media/shm/index.ts";
import { shmFramesReadTotal, shmSkippedBehindTotal, shmSkippedTornTotal } from "../../metrics.ts";
import { monotonicMicros } from "./monotonic-clock.ts";
import { mapRing, type RingMapping } from "./shm-mapping.ts";
import { type SessionEnd, SourceLostError, type SourceSession } from "./source.ts";

/** What one session has read, for diagnostics and tests. */
export interface ShmSessionStats {
  framesRead: number;
  skippedTorn: number;
  skippedBehind: number;
  /** Ring timestamp (CLOCK_MONOTONIC us) of the last access unit handed on; 0 before one. */
  lastTimestampUs: number;
}

/** The state of one session on one ring. */
export class ShmRingSession {
  readonly stats: ShmSessionStats = { framesRead: 0, skippedTorn: 0, skippedBehind: 0, lastTimestampUs: 0 };
  /** `camera ID: shm ring "NAME"`, the start of every message. */
  readonly label: string;
  private readonly read;
  private readonly torn;
  private readonly behind;
  private readonly timeline = new RingTimeline();
  private readonly params = new ParameterSetCache();
  private readonly started = performance.now();
  private mapping: RingMapping | undefined;
  private cursor: RingCursor | undefined;
  private mappedOnce = false;
  private notReady = "it was not mapped";
  private identityCheckedAt = this.started;
  private advancedAt = this.started;
  private gotMedia = false;
  private needKeyframe = true;
  private closed = false;

  /**
   * @param name the ring name (shm://NAME)
   * @param identityCheckMs time between checks that /dev/shm/NAME is still the mapped file
   */
  constructor(
    private readonly s: SourceSession,
    private readonly name: string,
    private readonly identityCheckMs: number,
    private readonly log?: Logger,
  ) {
    this.label = `camera ${s.camera.id}: shm ring "${name}"`;
    this.read = shmFramesReadTotal.labels(s.camera.id);
    this.torn = shmSkippedTornTotal.labels(s.camera.id);
    this.behind = shmSkippedBehindTotal.labels(s.camera.id);
  }

  /**
   * One look at the ring: map it if needed, hand on every new access unit, check deadlines.
   * @param now performance.now()
   * @returns the error that ends the session, or undefined to go on
   */
  step(now: number): SessionEnd | undefined {
    if (this.closed) return undefined;
    try {
      if (!this.mapping) {
        const end = this.map();
        if (end) return end;
      }
      if (this.mapping && this.cursor) {
        let stale = !sameLayout(this.mapping.bytes, this.cursor.header);
        if (!stale && now - this.identityCheckedAt >= this.identityCheckMs) {
          this.identityCheckedAt = now;
          stale = !this.mapping.stillValid();
        }
        if (stale) this.unmap();
        else {
          const end = this.readNew(now);
          if (end) return end;
        }
      }
      const { connectMs, stallMs } = this.s.timeouts;
      if (!this.gotMedia && now - this.started >= connectMs) {
        const why = !this.mapping ? `it did not become ready (${this.notReady})` : this.stats.framesRead > 0 ? "no keyframe came" : "no frame came";
        return new CameraTimeoutError(`${this.label} gave no video within ${connectMs / 1000} s: ${why}`);
      }
      if (this.gotMedia && now - this.advancedAt >= stallMs) return new SourceLostError(`${this.label} stalled: no frame for ${stallMs / 1000} s`);
      return undefined;
    } catch (err) {
      // A broken ring is the camera's fault; anything else (a consumer threw) ends the session.
      if (err instanceof MediaError) return new CameraUnreachableError(`${this.label} is corrupt: ${err.message}`);
      return new SourceLostError(`${this.label}: ${(err as Error).message}`);
    }
  }

  /** Unmaps the ring; no access unit is handed on after this, even from a step under way. Idempotent. */
  close(): void {
    this.closed = true;
    this.unmap();
  }

  private unmap(): void {
    this.mapping?.close();
    this.mapping = this.cursor = undefined;
  }

  private map(): SessionEnd | undefined {
    const m = mapRing(this.name, RING_HEADER_SIZE);
    if (!("bytes" in m)) {
      if (m.kind === "missing" && !this.mappedOnce)
        return new CameraUnreachableError(`${this.label} does not exist (is its camera daemon running on this host?)`);
      if (m.kind === "error") return new CameraUnreachableError(`${this.label} cannot be mapped: ${m.code}`);
      this.notReady = m.kind === "missing" ? "it was removed" : `its file has ${m.size} bytes`;
      return undefined;
    }
    try {
      const cursor = new RingCursor(readRingHeader(m.bytes));
      // Start at the newest keyframe, unless it is older than a stall: a dead writer's ring is not replayed.
      cursor.start(m.bytes, monotonicMicros() - this.s.timeouts.stallMs * 1000);
      this.mapping = m;
      this.cursor = cursor;
    } catch (err) {
      m.close();
      if (!(err instanceof MediaError)) throw err;
      if (!(err instanceof RingNotReadyError || err instanceof TruncatedError))
        return new CameraUnreachableError(`${this.label} is not a camserver ring: ${err.message}`);
      this.notReady = err.message;
      return undefined;
    }
    if (this.mappedOnce) this.log?.info({ camera: this.s.camera.id, ring: this.name }, "shm ring laid out anew: mapped again");
    this.mappedOnce = true;
    this.needKeyframe = true;
    this.timeline.discontinuity();
    return undefined;
  }

  private readNew(now: number): SessionEnd | undefined {
    const batch = this.cursor!.poll(this.mapping!.bytes);
    if (batch.frames.length + batch.skippedTorn + batch.skippedBehind > 0) this.advancedAt = now;
    this.stats.framesRead += batch.frames.length;
    this.stats.skippedTorn += batch.skippedTorn;
    this.stats.skippedBehind += batch.skippedBehind;
    this.read.inc(batch.frames.length);
    this.torn.inc(batch.skippedTorn);
    this.behind.inc(batch.skippedBehind);
    for (const f of batch.frames) {
      if (this.closed) return undefined; // a consumer ended the session from onAccessUnit
      const end = this.take(f);
      if (end) return end;
    }
    return undefined;
  }

  /** Hands on one frame as an access unit, from a keyframe on after any loss. */
  private take(f: CursorFrame): SessionEnd | undefined {
    if (f.format !== FrameFormat.H264) {
      return new CameraUnreachableError(`${this.label} carries ${formatName(f.format)} frames; only format 3 (H.264) is served`);
    }
    let nalus: Uint8Array[];
    try {
      nalus = splitAnnexB(f.data);
    } catch (err) {
      return new CameraUnreachableError(`${this.label}: frame ${f.frameNumber} is not an Annex B access unit (${(err as Error).message})`);
    }
    if (nalus.length === 0) return undefined;
    const isKeyframe = nalus.some((n) => (n[0]! & 0x1f) === NalType.IDR);
    if (f.afterLoss) this.needKeyframe = true;
    if (this.needKeyframe && !isKeyframe) {
      if (this.gotMedia) {
        this.stats.skippedBehind++;
        this.behind.inc();
      }
      return undefined;
    }
    this.needKeyframe = false;
    const dts = this.timeline.dts(f.timestampUs, !f.afterLoss);
    const au: AccessUnit = { nalus, dts, pts: dts, isKeyframe };
    if (this.params.update(au)) this.s.onParameterSets(this.params.sps, this.params.pps);
    if (!this.gotMedia) {
      this.gotMedia = true;
      this.s.onFirstMedia?.();
    }
    this.stats.lastTimestampUs = f.timestampUs;
    this.s.onAccessUnit(au);
    return undefined;
  }
}
