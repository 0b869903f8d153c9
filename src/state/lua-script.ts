/**
 * A Lua script run by its SHA1 (`EVALSHA`), loaded on the first `NOSCRIPT` answer (Redis
 * `EVALSHA` and `SCRIPT LOAD` semantics): the script's text crosses the connection once per
 * Redis server, not on every call. Every script of `src/state` runs this way: the holder's
 * tick, HLS playlist updates, leases (a playlist fetch touches one) and owned keys.
 */
import type Redis from "ioredis";
import { createHash } from "node:crypto";

/** An argument as ioredis sends it: strings and numbers as text, Buffers as bytes. */
export type LuaArg = string | number | Buffer;

/** One Lua script. */
export class LuaScript {
  /** Hex SHA1 of the script's text, as Redis names it. */
  readonly sha: string;

  constructor(readonly body: string) {
    this.sha = createHash("sha1").update(body).digest("hex");
  }

  /**
   * Runs the script with `keys` as KEYS and `args` as ARGV.
   * @returns the script's reply as ioredis decodes it (bulk strings as strings)
   * @throws the Redis error of the script (other than NOSCRIPT, which loads it once and retries)
   */
  async run(redis: Redis, keys: readonly string[], args: readonly LuaArg[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith("NOSCRIPT")) throw err;
      return redis.eval(this.body, keys.length, ...keys, ...args);
    }
  }
}
