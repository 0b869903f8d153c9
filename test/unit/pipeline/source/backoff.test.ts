/**
 * Backoff (1 s doubling to 30 s, reset by a success) and the abortable sleep between reconnects.
 */
import { afterEach, describe, expect, it, spyOn } from "bun:test";
import { Backoff, sleep } from "../../../../src/pipeline/source/backoff.ts";

describe("Backoff", () => {
  it("waits 1 s first and doubles up to 30 s", () => {
    const b = new Backoff();
    expect(Array.from({ length: 8 }, () => b.take())).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });

  it("starts over at 1 s after a reset", () => {
    const b = new Backoff();
    for (let i = 0; i < 10; i++) b.take();
    b.reset();
    expect([b.take(), b.take()]).toEqual([1000, 2000]);
  });

  it("honours a custom first and largest delay", () => {
    const b = new Backoff(50, 300);
    expect(Array.from({ length: 5 }, () => b.take())).toEqual([50, 100, 200, 300, 300]);
  });
});

describe("sleep", () => {
  const spies: { mockRestore(): void }[] = [];
  afterEach(() => {
    for (const s of spies.splice(0)) s.mockRestore();
  });

  it("resolves after about the delay", async () => {
    const t0 = performance.now();
    await sleep(40);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(35);
  });

  it("resolves early when its signal aborts, and clears its timer and abort listener", async () => {
    const set = spyOn(globalThis, "setTimeout");
    const clear = spyOn(globalThis, "clearTimeout");
    spies.push(set, clear);
    const ac = new AbortController();
    const remove = spyOn(ac.signal, "removeEventListener");
    spies.push(remove);
    const t0 = performance.now();
    const done = sleep(60_000, ac.signal);
    const timer = set.mock.results.find((_r, i) => set.mock.calls[i]![1] === 60_000)?.value;
    expect(timer).toBeDefined();
    ac.abort();
    await done;
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(clear.mock.calls.some(([t]) => t === timer)).toBe(true);
    expect(remove).toHaveBeenCalledWith("abort", expect.any(Function));
  });

  it("clears its abort listener when the delay runs out first", async () => {
    const ac = new AbortController();
    const remove = spyOn(ac.signal, "removeEventListener");
    spies.push(remove);
    await sleep(5, ac.signal);
    expect(remove).toHaveBeenCalledWith("abort", expect.any(Function));
  });

  it("returns at once, starting no timer, when the signal has already aborted", async () => {
    const set = spyOn(globalThis, "setTimeout");
    spies.push(set);
    const t0 = performance.now();
    await sleep(60_000, AbortSignal.abort());
    expect(performance.now() - t0).toBeLessThan(100);
    expect(set.mock.calls.some((c) => c[1] === 60_000)).toBe(false);
  });
});
