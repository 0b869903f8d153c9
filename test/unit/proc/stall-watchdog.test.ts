import { describe, expect, it } from "bun:test";
import { StallWatchdog } from "../../../src/proc/stall-watchdog.ts";

describe("StallWatchdog", () => {
  it("fires once when no kick comes for timeoutMs", async () => {
    let fired = 0;
    const start = performance.now();
    const firedAt = new Promise<number>((resolve) => {
      new StallWatchdog(100, () => {
        fired++;
        resolve(performance.now() - start);
      });
    });
    const ms = await firedAt;
    await Bun.sleep(200);
    expect(fired).toBe(1);
    expect(ms).toBeGreaterThanOrEqual(100);
    expect(ms).toBeLessThan(100 + 25 + 50); // one check interval late, plus scheduling
  });

  it("does not fire while kicked more often than timeoutMs", async () => {
    let fired = 0;
    const dog = new StallWatchdog(100, () => fired++);
    try {
      for (let i = 0; i < 10; i++) {
        await Bun.sleep(30);
        dog.kick();
      }
      expect(fired).toBe(0);
    } finally {
      dog.stop();
    }
  });

  it("never fires after stop()", async () => {
    let fired = 0;
    const dog = new StallWatchdog(20, () => fired++);
    dog.stop();
    dog.stop();
    await Bun.sleep(80);
    expect(fired).toBe(0);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])("rejects timeoutMs %p", (ms) => {
    expect(() => new StallWatchdog(ms, () => {})).toThrow(TypeError);
  });
});
