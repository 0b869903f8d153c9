/**
 * Notices a child that is alive but silent: ffmpeg on a frozen camera keeps running and
 * writes nothing (measured with ffmpeg 5.1). Kick it on every chunk of output;
 * it calls `onStall` once when no kick came for `timeoutMs`.
 */

/** Fires a callback once when `kick()` has not been called for a given time. */
export class StallWatchdog {
  #last = performance.now();
  #timer: ReturnType<typeof setInterval> | undefined;

  /**
   * Starts watching at once (construction counts as the first kick).
   *
   * @param timeoutMs silence in ms after which `onStall` fires; checked every
   *   `timeoutMs / 4` (at least 10 ms, at most 1000 ms), so it fires up to that much late
   * @param onStall called once, then the watchdog stops itself
   * @throws TypeError when `timeoutMs` is not a finite number > 0
   */
  constructor(
    readonly timeoutMs: number,
    onStall: () => void,
  ) {
    if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
      throw new TypeError(`StallWatchdog: timeoutMs must be a finite number > 0, got ${timeoutMs}`);
    }
    const checkMs = Math.min(1000, Math.max(10, timeoutMs / 4));
    this.#timer = setInterval(() => {
      if (performance.now() - this.#last < timeoutMs) return;
      this.stop();
      onStall();
    }, checkMs);
  }

  /** Records output: the silence starts again from now. */
  kick(): void {
    this.#last = performance.now();
  }

  /** Stops watching; `onStall` will not fire after this. Idempotent. */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
