/**
 * rpushFramed against a real Redis: the value arrives byte for byte whatever its size and
 * contents (CR/LF and `$` inside included), the framing goes into the room around it, a view
 * without room is a plain RPUSH, and a command sent before the connection is up waits in
 * ioredis' offline queue like any other.
 */
import { afterAll, describe, expect, it } from "bun:test";
import Redis from "ioredis";
import { randomBytes } from "node:crypto";
import { RESP_HEADROOM, RESP_TAILROOM, rpushFramed } from "../../../src/state/framed-rpush.ts";
import { testRedis } from "./redis-test-utils.ts";

const { redis, keys, cleanup } = testRedis();
afterAll(cleanup);

/** `n` random bytes (with CR, LF and `$` forced in) as a view with room around it. */
function roomy(n: number): { buffer: Uint8Array; value: Uint8Array } {
  const buffer = new Uint8Array(RESP_HEADROOM + n + RESP_TAILROOM + 7).fill(0xee);
  const value = buffer.subarray(RESP_HEADROOM, RESP_HEADROOM + n);
  for (let o = 0; o < n; o += 65_536) value.set(randomBytes(Math.min(65_536, n - o)), o);
  if (n >= 3) value.set([0x0d, 0x0a, 0x24], (n - 3) >> 1);
  return { buffer, value };
}

describe("rpushFramed", () => {
  it("appends values of any size byte for byte, in order", async () => {
    const key = `${keys.prefix}:list-a`;
    const values = [1, 2, 3, 200, 1400, 65_536, 300_000].map((n) => roomy(n).value);
    for (const [i, v] of values.entries()) expect(await rpushFramed(redis, key, v)).toBe(i + 1);
    const back = await redis.lrangeBuffer(key, 0, -1);
    expect(back.map((b) => b.length)).toEqual(values.map((v) => v.length));
    for (const [i, v] of values.entries()) expect(Buffer.compare(back[i]!, Buffer.from(v))).toBe(0);
    expect(await redis.ping()).toBe("PONG"); // the connection is still in step
  });

  it("writes the framing into the room around the value and leaves the rest of the buffer", async () => {
    const key = `${keys.prefix}:list-b`;
    const { buffer, value } = roomy(1000);
    const copy = Buffer.from(value);
    await rpushFramed(redis, key, value);
    const head = `*3\r\n$5\r\nRPUSH\r\n$${key.length}\r\n${key}\r\n$1000\r\n`;
    expect(Buffer.from(buffer.subarray(RESP_HEADROOM - head.length, RESP_HEADROOM)).toString()).toBe(head);
    expect([...buffer.subarray(RESP_HEADROOM + 1000, RESP_HEADROOM + 1002)]).toEqual([0x0d, 0x0a]);
    expect(buffer[RESP_HEADROOM - head.length - 1]).toBe(0xee);
    expect(buffer[RESP_HEADROOM + 1002]).toBe(0xee);
    expect(Buffer.compare(Buffer.from(value), copy)).toBe(0);
  });

  it("sends a value without room as a plain RPUSH, its buffer untouched", async () => {
    const key = `${keys.prefix}:list-c`;
    const atStart = randomBytes(500);
    const before = Buffer.from(atStart);
    const tight = new Uint8Array(RESP_HEADROOM + 100).subarray(RESP_HEADROOM - 1); // no CRLF room after
    tight.fill(7);
    expect(await rpushFramed(redis, key, atStart)).toBe(1);
    expect(await rpushFramed(redis, key, tight)).toBe(2);
    expect(Buffer.compare(atStart, before)).toBe(0);
    const back = await redis.lrangeBuffer(key, 0, -1);
    expect(Buffer.compare(back[0]!, before)).toBe(0);
    expect(Buffer.compare(back[1]!, Buffer.from(tight))).toBe(0);
  });

  it("waits in the offline queue when sent before the connection is ready", async () => {
    const lazy = new Redis(process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379", { lazyConnect: true });
    try {
      const key = `${keys.prefix}:list-d`;
      const { value } = roomy(5000);
      expect(lazy.status).toBe("wait");
      expect(await rpushFramed(lazy, key, value)).toBe(1);
      expect(Buffer.compare((await redis.lindexBuffer(key, 0))!, Buffer.from(value))).toBe(0);
    } finally {
      lazy.disconnect();
    }
  });
});
