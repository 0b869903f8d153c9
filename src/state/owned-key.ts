/**
 * Keys owned by a random token (a fence, a short lock): only the owner may extend or
 * delete them. The token is compared in a Lua script, so the check and the change are one
 * atomic step on the Redis server (a plain GET then DEL could delete a key that lapsed and
 * was taken by someone else in between).
 */
import type Redis from "ioredis";
import { LuaScript } from "./lua-script.ts";

const EXPIRE_IF_OWNED = new LuaScript(`if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`);
const DELETE_IF_OWNED = new LuaScript(`if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`);

/**
 * Sets the key's time to live if it still holds `token`.
 * @param ttlMs the new time to live, ms
 * @returns true when the key was ours and was extended
 */
export async function expireIfOwned(redis: Redis, key: string, token: string, ttlMs: number): Promise<boolean> {
  return (await EXPIRE_IF_OWNED.run(redis, [key], [token, ttlMs])) === 1;
}

/**
 * Deletes the key if it still holds `token`.
 * @returns true when the key was ours and is gone
 */
export async function deleteIfOwned(redis: Redis, key: string, token: string): Promise<boolean> {
  return (await DELETE_IF_OWNED.run(redis, [key], [token])) === 1;
}
