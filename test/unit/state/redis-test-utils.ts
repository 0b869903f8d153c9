/**
 * A real Redis for the state tests (TEST_REDIS_URL, default redis://127.0.0.1:6379), with a
 * key prefix of its own per test file and a clean-up that deletes every key under it.
 */
import Redis from "ioredis";
import { randomBytes } from "node:crypto";
import { Keys } from "../../../src/state/keys.ts";

/** A connection and a fresh key prefix; `cleanup` deletes the prefix's keys and quits. */
export function testRedis(): { redis: Redis; keys: Keys; cleanup: () => Promise<void> } {
  const redis = new Redis(process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379", { maxRetriesPerRequest: 1 });
  const keys = new Keys(`cstest-unit-${randomBytes(6).toString("hex")}`);
  const cleanup = async () => {
    try {
      let cursor = "0";
      do {
        const [next, found] = await redis.scan(cursor, "MATCH", `${keys.prefix}:*`, "COUNT", 500);
        cursor = next;
        if (found.length > 0) await redis.del(...found);
      } while (cursor !== "0");
    } finally {
      await redis.quit();
    }
  };
  return { redis, keys, cleanup };
}

/** A camera id no other test uses. */
export function cameraId(): string {
  return `cam-${randomBytes(4).toString("hex")}`;
}
