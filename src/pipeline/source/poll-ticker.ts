/**
 * One interval timer per period, shared by every poller of this process: N shm cameras
 * polled every 4 ms cost one timer wake-up every 4 ms, not N (a wake-up is most of a
 * poll's cost: test/bench/shm-read.ts). Callbacks run in the order they subscribed; one
 * that throws is skipped for that tick and the others still run.
 */

interface Ticker {
  readonly timer: ReturnType<typeof setInterval>;
  readonly callbacks: Set<() => void>;
}

const tickers = new Map<number, Ticker>();

/**
 * Calls `fn` every `periodMs` until the returned function is called.
 * @param periodMs period in ms, > 0; subscribers of the same period share one timer
 * @returns unsubscribe (idempotent); the timer stops with its last subscriber
 * @throws TypeError when periodMs is not a finite number > 0
 */
export function onTick(periodMs: number, fn: () => void): () => void {
  if (!(Number.isFinite(periodMs) && periodMs > 0)) throw new TypeError(`onTick: periodMs must be > 0, got ${periodMs}`);
  let t = tickers.get(periodMs);
  if (!t) {
    const callbacks = new Set<() => void>();
    const timer = setInterval(() => {
      for (const f of [...callbacks]) {
        try {
          f();
        } catch {
          // A poller's own error handling failed; the other pollers still run.
        }
      }
    }, periodMs);
    t = { timer, callbacks };
    tickers.set(periodMs, t);
  }
  const ticker = t;
  ticker.callbacks.add(fn);
  return () => {
    if (!ticker.callbacks.delete(fn) || ticker.callbacks.size > 0) return;
    clearInterval(ticker.timer);
    if (tickers.get(periodMs) === ticker) tickers.delete(periodMs);
  };
}

/** Timers running now (for tests). */
export function activeTickers(): number {
  return tickers.size;
}
