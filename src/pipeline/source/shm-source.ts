/**
 * The shared-memory source: a camera whose local daemon writes H.264 access units into a
 * ring in /dev/shm (`shm://NAME`; layout and write protocol in infra/shm/camserver_shm.h).
 * No connection and no child: the ring is mapped read-only and looked at every `pollMs`
 * (shm-ring-session.ts does the looking).
 *
 * Why poll: the ring is a plain file mapping, not a SharedArrayBuffer, so Atomics.wait
 * cannot sleep on it, and the protocol has no wake-up channel (a daemon must not depend on
 * its readers). Every 4 ms adds at most 4 ms (2 ms on average) to a frame's latency, under
 * a 60 fps frame time; a look costs about 2 us, the timer wake-up most of the rest, so all
 * shm cameras of a process share one timer (poll-ticker.ts). Measured in
 * test/bench/shm-read.ts (README, Performance).
 *
 * Ends of a session: the ring missing at start (CameraUnreachableError 502), a ring that
 * is not a camserver ring or carries no H.264 (502), no keyframe within connectMs
 * (CameraTimeoutError 504), a ring that stops advancing for stallMs after media arrived
 * (SourceLostError: the supervisor reconnects), the session's abort signal. A ring laid out
 * anew or recreated under the same name is mapped again within the session; the time line
 * continues and the picture resumes at the next keyframe.
 */
import type { Logger } from "../../log.ts";
import { onTick } from "./poll-ticker.ts";
import { type ShmSessionStats, ShmRingSession } from "./shm-ring-session.ts";
import { type SessionEnd, SourceLostError, type Source, type SourceSession } from "./source.ts";

export type { ShmSessionStats } from "./shm-ring-session.ts";

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

/** A camera read from a local camera daemon's ring in /dev/shm. */
export class ShmSource implements Source {
  readonly kind = "shm";
  private readonly pollMs: number;
  private readonly identityCheckMs: number;
  private current: ShmRingSession | undefined;

  /** @throws TypeError when pollMs or identityCheckMs is not a number > 0 */
  constructor(readonly opts: ShmSourceOptions = {}) {
    this.pollMs = opts.pollMs ?? 4;
    this.identityCheckMs = opts.identityCheckMs ?? 250;
    if (!(this.pollMs > 0) || !(this.identityCheckMs > 0)) throw new TypeError("ShmSource: pollMs and identityCheckMs must be > 0");
  }

  /** Counts of the session running now (or the last one). */
  get stats(): ShmSessionStats {
    return this.current?.stats ?? { framesRead: 0, skippedTorn: 0, skippedBehind: 0, lastTimestampUs: 0 };
  }

  run(s: SourceSession): Promise<SessionEnd> {
    const session = (this.current = new ShmRingSession(s, ringName(s.camera.sourceUrl), this.identityCheckMs, this.opts.log));
    return new Promise<SessionEnd>((resolve) => {
      let done = false;
      let unsubscribe = () => {};
      const finish = (end: SessionEnd) => {
        if (done) return;
        done = true;
        unsubscribe();
        s.signal.removeEventListener("abort", onAbort);
        session.close();
        resolve(end);
      };
      const onAbort = () => finish(new SourceLostError(`${session.label}: source stopped`));
      const tick = () => {
        if (done) return;
        const end = session.step(performance.now());
        if (end) finish(end);
      };
      if (s.signal.aborted) return onAbort();
      s.signal.addEventListener("abort", onAbort, { once: true });
      unsubscribe = onTick(this.pollMs, tick);
      tick();
    });
  }
}
