/**
 * Reconnect delays: 1 s doubling to 30 s (docs/architecture.md, "The holder"), reset by a success.
 */

/** Exponential backoff state. */
export class Backoff {
  private next: number;

  /** @param firstMs first delay, ms @param maxMs largest delay, ms */
  constructor(
    private readonly firstMs = 1000,
    private readonly maxMs = 30000,
  ) {
    this.next = firstMs;
  }

  /** The delay to wait now, ms; the following one doubles. */
  take(): number {
    const d = this.next;
    this.next = Math.min(this.next * 2, this.maxMs);
    return d;
  }

  /** Back to the first delay. */
  reset(): void {
    this.next = this.firstMs;
  }
}

/** Resolves after `ms`, or at once when `signal` aborts; the timer is always cleared. */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  try {
    await new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
      onAbort = () => resolve();
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener("abort", onAbort);
  }
}
