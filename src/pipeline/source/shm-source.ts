/**
 * The shared-memory source: a camera whose local daemon writes H.264 access units into a
 * ring in /dev/shm (`shm://NAME`; layout and write protocol in infra/shm/camserver_shm.h).
 * No connection and no child: the ring is mapped read-only and looked at every `pollMs`.
 *
 * Why poll: the ring is a plain file mapping, not a SharedArrayBuffer, so Atomics.wait
 * cannot sleep on it, and the protocol has no wake-up channel (a daemon must not depend on
 * its readers). Every 4 ms adds at most 4 ms (2 ms on average) to a frame's latency, under
 * a 60 fps frame time, for one timer wake-up and a few loads per look (README, Performance).
 *
 * Ends of a session: the ring missing at start (CameraUnreachableError 502), a ring that
 * is not a camserver ring or carries no H.264 (502), no keyframe within connectMs
 * (CameraTimeoutError 504), a ring that stops advancing for stallMs after media arrived
 * (SourceLostError: the supervisor reconnects), the session's abort signal. A ring laid out
 * anew or recreated under the same name is mapped again within the session; the time line
 * continues and the picture resumes at the next keyframe.
 */
import { CameraTimeoutError, CameraUnreachableError, type DomainError } from "../../errors.ts";
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
import { sleep } from "./backoff.ts";
import { monotonicMicros } from "./monotonic-clock.ts";
import { mapRing, type RingMapping } from "./shm-mapping.ts";
import { SourceLostError, type Source, type SourceSession } from "./source.ts";

/** Options of the shared-memory source. */
export interface ShmSourceOptions {
  /** Told when a ring is mapped again. */
  readonly log?: Logger;
  /** Time between looks at the ring, ms. @defaultValue 4 */
  readonly pollMs?: number;
  /** Time between checks that /dev/shm/NAME is still the mapped file, ms. @defaultValue 250 */
  readonly identityCheckMs?: number;
}

/** The ring name of an `shm://NAME` URL. */
export function ringName(sourceUrl: string): string {
  return sourceUrl.replace(/^shm:\/\//i, "");
}

/** What one session has read, for diagnostics and tests. */
export interface ShmSessionStats {
  framesRead: number;
  skippedTorn: number;
  skippedBehind: number;
  /** Ring timestamp (CLOCK_MONOTONIC us) of the last access unit handed on; 0 before one. */
  lastTimestampUs: number;
}

/** A camera read from a local camera daemon's ring in /dev/shm. */
export class ShmSource implements Source {
  readonly kind = "shm";
  private readonly pollMs: number;
  private readonly identityCheckMs: number;
  /** Counts of the session running now (or the last one). */
  stats: ShmSessionStats = { framesRead: 0, skippedTorn: 0, skippedBehind: 0, lastTimestampUs: 0 };

  /** @throws TypeError when pollMs or identityCheckMs is not a number > 0 */
  constructor(readonly opts: ShmSourceOptions = {}) {
    this.pollMs = opts.pollMs ?? 4;
    this.identityCheckMs = opts.identityCheckMs ?? 250;
    if (!(this.pollMs > 0) || !(this.identityCheckMs > 0)) throw new TypeError("ShmSource: pollMs and identityCheckMs must be > 0");
  }

  async run(s: SourceSession): Promise<DomainError> {
    const name = ringName(s.camera.sourceUrl);
    const ring = `camera ${s.camera.id}: shm ring "${name}"`;
    const { connectMs, stallMs } = s.timeouts;
    const stats: ShmSessionStats = (this.stats = { framesRead: 0, skippedTorn: 0, skippedBehind: 0, lastTimestampUs: 0 });
    const read = shmFramesReadTotal.labels(s.camera.id);
    const torn = shmSkippedTornTotal.labels(s.camera.id);
    const behind = shmSkippedBehindTotal.labels(s.camera.id);
    const timeline = new RingTimeline();
    const params = new ParameterSetCache();
    const started = performance.now();
    let mapping: RingMapping | undefined;
    let cursor: RingCursor | undefined;
    let mappedOnce = false;
    let notReady = "it was not mapped";
    let identityCheckedAt = started;
    let advancedAt = started;
    let gotMedia = false;
    let needKeyframe = true;

    /** Hands on one frame; returns an error that ends the session. */
    const take = (f: CursorFrame): DomainError | undefined => {
      if (f.format !== FrameFormat.H264) {
        return new CameraUnreachableError(`${ring} carries ${formatName(f.format)} frames; only format 3 (H.264) is served`);
      }
      let nalus: Uint8Array[];
      try {
        nalus = splitAnnexB(f.data);
      } catch (err) {
        return new CameraUnreachableError(`${ring}: frame ${f.frameNumber} is not an Annex B access unit (${(err as Error).message})`);
      }
      if (nalus.length === 0) return undefined;
      const isKeyframe = nalus.some((n) => (n[0]! & 0x1f) === NalType.IDR);
      if (f.afterLoss) needKeyframe = true;
      if (needKeyframe && !isKeyframe) {
        if (gotMedia) {
          stats.skippedBehind++;
          behind.inc();
        }
        return undefined;
      }
      const dts = timeline.dts(f.timestampUs, !f.afterLoss);
      needKeyframe = false;
      const au: AccessUnit = { nalus, dts, pts: dts, isKeyframe };
      if (params.update(au)) s.onParameterSets(params.sps, params.pps);
      if (!gotMedia) {
        gotMedia = true;
        s.onFirstMedia?.();
      }
      stats.lastTimestampUs = f.timestampUs;
      s.onAccessUnit(au);
      return undefined;
    };

    try {
      while (!s.signal.aborted) {
        const now = performance.now();
        if (!mapping) {
          const m = mapRing(name, RING_HEADER_SIZE);
          if (!("bytes" in m)) {
            if (m.kind === "missing" && !mappedOnce) return new CameraUnreachableError(`${ring} does not exist (is its camera daemon running on this host?)`);
            if (m.kind === "error") return new CameraUnreachableError(`${ring} cannot be mapped: ${m.code}`);
            notReady = m.kind === "missing" ? "it was removed" : `its file has ${m.size} bytes`;
          } else {
            try {
              cursor = new RingCursor(readRingHeader(m.bytes));
              cursor.start(m.bytes, monotonicMicros() - stallMs * 1000);
              mapping = m;
              if (mappedOnce) this.opts.log?.info({ camera: s.camera.id, ring: name }, "shm ring laid out anew: mapped again");
              mappedOnce = true;
              needKeyframe = true;
              timeline.discontinuity();
            } catch (err) {
              m.close();
              if (!(err instanceof MediaError)) throw err;
              if (!(err instanceof RingNotReadyError || err instanceof TruncatedError)) {
                return new CameraUnreachableError(`${ring} is not a camserver ring: ${err.message}`);
              }
              notReady = err.message;
            }
          }
        }
        if (mapping && cursor) {
          let stale = !sameLayout(mapping.bytes, cursor.header);
          if (!stale && now - identityCheckedAt >= this.identityCheckMs) {
            identityCheckedAt = now;
            stale = !mapping.stillValid();
          }
          if (stale) {
            mapping.close();
            mapping = cursor = undefined;
          } else {
            const batch = cursor.poll(mapping.bytes);
            if (batch.frames.length + batch.skippedTorn + batch.skippedBehind > 0) advancedAt = now;
            stats.framesRead += batch.frames.length;
            stats.skippedTorn += batch.skippedTorn;
            stats.skippedBehind += batch.skippedBehind;
            read.inc(batch.frames.length);
            torn.inc(batch.skippedTorn);
            behind.inc(batch.skippedBehind);
            for (const f of batch.frames) {
              const end = take(f);
              if (end) return end;
            }
          }
        }
        if (!gotMedia && now - started >= connectMs) {
          const why = !mapping ? `it did not become ready (${notReady})` : stats.framesRead > 0 ? "no keyframe came" : "no frame came";
          return new CameraTimeoutError(`${ring} gave no video within ${connectMs / 1000} s: ${why}`);
        }
        if (gotMedia && now - advancedAt >= stallMs) return new SourceLostError(`${ring} stalled: no frame for ${stallMs / 1000} s`);
        await sleep(this.pollMs, s.signal);
      }
      return new SourceLostError(`${ring}: source stopped`);
    } catch (err) {
      // run() never rejects: a broken ring is the camera's fault, anything else ends the session.
      if (err instanceof MediaError) return new CameraUnreachableError(`${ring} is corrupt: ${err.message}`);
      return new SourceLostError(`${ring}: ${(err as Error).message}`);
    } finally {
      mapping?.close();
    }
  }
}
