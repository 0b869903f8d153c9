/**
 * Redis connections for BullMQ and camserver's own keys: one server (`redis://`,
 * `rediss://`) or a primary found through Redis Sentinel (`redis+sentinel://`, see
 * src/redis-url.ts). `duplicate()` of a connection keeps its options, so BullMQ's blocking
 * connections follow a failover too.
 */
import Redis, { type RedisOptions } from "ioredis";
import { parseRedisUrl } from "../src/redis-url.ts";
// ioredis traces every command unless the runtime says nobody listens: see the file.
import "../src/tracing-channel.ts";

/** Longest pause between reconnect attempts, ms: after a failover the new primary is found within about this. */
const MAX_RECONNECT_DELAY_MS = 1000;

/** Options every connection shares. */
const COMMON: RedisOptions = {
  // BullMQ needs this; commands wait (in ioredis's offline queue) through a reconnect.
  maxRetriesPerRequest: null,
  enableReadyCheck: true,
  lazyConnect: false,
  retryStrategy: (times) => Math.min(times * 100, MAX_RECONNECT_DELAY_MS),
  // A primary demoted to replica answers writes with READONLY: reconnect (and, behind
  // Sentinel, ask again where the primary is) and resend the command.
  reconnectOnError: (err) => (err.message.startsWith("READONLY") ? 2 : false),
};

/**
 * The ioredis options of a `REDIS_URL` besides the URL itself (for Sentinel: the Sentinels,
 * the master name, passwords and db).
 * @throws RedisUrlError for a URL `loadConfig` would have refused
 */
export function redisOptions(url: string): { url?: string; options: RedisOptions } {
  const target = parseRedisUrl(url);
  if (target.kind === "direct") return { url: target.url, options: { ...COMMON } };
  return {
    options: {
      ...COMMON,
      sentinels: target.sentinels.map((s) => ({ host: s.host, port: s.port })),
      name: target.name,
      password: target.password,
      sentinelPassword: target.sentinelPassword,
      db: target.db,
      sentinelRetryStrategy: (times) => Math.min(times * 100, MAX_RECONNECT_DELAY_MS),
    },
  };
}

/**
 * Opens an ioredis connection as BullMQ needs it (`maxRetriesPerRequest: null`).
 * The caller owns it and must `quit()` it.
 * @throws RedisUrlError for a URL `loadConfig` would have refused
 */
export function openRedis(url: string): Redis {
  const { url: direct, options } = redisOptions(url);
  return direct === undefined ? new Redis(options) : new Redis(direct, options);
}
