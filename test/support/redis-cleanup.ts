/**
 * Preloaded by `bun test` (bunfig.toml): after the whole run, deletes every Redis key of
 * the prefixes the integration tests used (`testPrefix`), so repeated runs leave nothing
 * in the shared Redis (BullMQ keeps finished jobs; some camserver keys have no TTL).
 */
import { afterAll } from "bun:test";
import Redis from "ioredis";
import { TEST_REDIS_URL, usedPrefixes } from "./camserver.ts";

afterAll(async () => {
  if (usedPrefixes.size === 0) return;
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    for (const prefix of usedPrefixes) {
      let cursor = "0";
      do {
        const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
        cursor = next;
        if (keys.length > 0) await redis.del(...keys);
      } while (cursor !== "0");
    }
  } catch {
    // Redis unreachable: nothing to clean.
  } finally {
    redis.disconnect();
  }
});
