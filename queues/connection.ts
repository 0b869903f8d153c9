/**
 * Redis connections for BullMQ and camserver's own keys.
 */
import Redis from "ioredis";

/**
 * Opens an ioredis connection as BullMQ needs it (`maxRetriesPerRequest: null`).
 * The caller owns it and must `quit()` it.
 */
export function openRedis(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false });
}
